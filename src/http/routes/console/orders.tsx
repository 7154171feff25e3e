// The order list: newest first, a status filter and cursor pages over store.listOrders.
import { Hono } from 'hono';
import type { OrderDeps } from '../../../orders/deps.ts';
import type { OrderRecord, OrderStatus } from '../../../store/types.ts';
import { effectiveStatus } from '../../../orders/get-order.ts';
import type { ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';
import { Badge, Flags, STATUSES, Time, decodeCursor, encodeCursor } from './format.tsx';

const PAGE = 25;

function listHref(status: string | undefined, cursor?: string, limit?: number): string {
  const q = new URLSearchParams();
  if (status) q.set('status', status);
  if (limit && limit !== PAGE) q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `/console/orders?${s}` : '/console/orders';
}

function OrderRow(p: { o: OrderRecord; now: number }) {
  const status = effectiveStatus(p.o, p.now);
  return (
    <tr>
      <td>
        <a href={`/console/orders/${encodeURIComponent(p.o.id)}`}>
          <code>{p.o.id}</code>
        </a>
        {p.o.reference && <div class="muted">{p.o.reference}</div>}
      </td>
      <td class="num">{p.o.amount}</td>
      <td>{p.o.currency}</td>
      <td>
        <Badge text={status} />
      </td>
      <td>
        <Flags o={p.o} />
      </td>
      <td><Time bare t={p.o.createdAt} /></td>
      <td><Time bare t={p.o.paidAt} /></td>
    </tr>
  );
}

export function ordersRoutes(deps: OrderDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get('/console/orders', async (c) => {
    const statusText = c.req.query('status') || undefined;
    const status = STATUSES.includes(statusText as OrderStatus) ? (statusText as OrderStatus) : undefined;
    const limitNum = Number(c.req.query('limit') ?? PAGE);
    const limit = Number.isInteger(limitNum) && limitNum >= 1 && limitNum <= 200 ? limitNum : PAGE;
    const cursor = c.req.query('cursor');
    const beforeSeq = cursor ? decodeCursor(cursor) : undefined;
    const rows = await deps.store.listOrders({ status, beforeSeq, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? encodeCursor(page.at(-1)!.seq) : undefined;
    const now = deps.now();
    const body = (
      <>
        <h1>Orders</h1>
        <div class="card row">
          <form method="get" action="/console/orders" class="row">
            <div>
              <label for="status">Status</label>
              <select id="status" name="status">
                <option value="">All</option>
                {STATUSES.map((s) => (
                  <option value={s} selected={s === status}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit">Filter</button>
          </form>
          <span class="chips">
            <a href="/console/orders">All</a>
            {STATUSES.map((s) => (
              <a href={listHref(s)}>{s}</a>
            ))}
          </span>
        </div>
        {page.length === 0 ? (
          <p class="card muted">No {status ?? ''} orders{cursor ? ' on this page' : ' yet'}.</p>
        ) : (
          <div class="scroll">
            <table id="orders">
              <thead>
                <tr>
                  <th>Order</th>
                  <th class="num">Amount</th>
                  <th>Currency</th>
                  <th>Status</th>
                  <th>Flags</th>
                  <th>Created (UTC)</th>
                  <th>Paid (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {page.map((o) => (
                  <OrderRow o={o} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager">
          {cursor && <a href={listHref(status, undefined, limit)}>« Newest</a>}
          {next && (
            <a rel="next" href={listHref(status, next, limit)}>
              Older orders »
            </a>
          )}
        </nav>
      </>
    );
    return renderPage(c, 200, 'Orders', body, { section: 'orders' });
  });
  return app;
}
