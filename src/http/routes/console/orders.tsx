// The order list: newest first, search by id or reference, a status filter, test orders hidden unless asked for, cursor pages.
import { Hono } from 'hono';
import type { OrderDeps } from '../../../orders/deps.ts';
import type { OrderRecord } from '../../../store/types.ts';
import type { OrderStatus } from '../../../orders/types.ts';
import { effectiveStatus } from '../../../orders/get-order.ts';
import { ORDER_STATUSES, decodeCursor, isOrderStatus, isTestOrder, listOrdersPage } from '../../../orders/queries.ts';
import type { ConsoleEnv } from './env.ts';
import { renderPage } from './render.tsx';
import { Badge, Flags, Time } from './format.tsx';
import { orderFacts } from './order-facts.ts';

const PAGE = 25;
/** As long as the longest reference an order can carry. */
const MAX_SEARCH = 256;

interface ListState {
  status?: OrderStatus;
  q: string;
  tests: boolean;
  limit: number;
}

function listHref(s: Partial<ListState>, cursor?: string): string {
  const q = new URLSearchParams();
  if (s.status) q.set('status', s.status);
  if (s.q) q.set('q', s.q);
  if (s.tests) q.set('tests', '1');
  if (s.limit && s.limit !== PAGE) q.set('limit', String(s.limit));
  if (cursor) q.set('cursor', cursor);
  const text = q.toString();
  return text ? `/console/orders?${text}` : '/console/orders';
}

/** Control characters (NUL included) cannot be shown or typed back: they are displayed as U+FFFD. */
const printable = (s: string) => s.replace(/\p{Cc}/gu, '\uFFFD');

function OrderRow(p: { o: OrderRecord; now: number }) {
  const status = effectiveStatus(p.o, p.now);
  const memo = orderFacts(p.o).memo;
  return (
    <tr>
      <td class="order"><a href={`/console/orders/${encodeURIComponent(p.o.id)}`}><code>{p.o.id}</code></a>
        {p.o.reference && <div class="muted">{p.o.reference}</div>}
        {memo && <div class="memo">{memo}</div>}
      </td>
      <td class="num amount">{`${p.o.amount} ${p.o.currency}`}</td>
      <td class="order-status">
        <Badge text={status} /> <Flags o={p.o} /> {isTestOrder(p.o) && <Badge text="test order" kind="test" />}
      </td>
      <td class="when"><Time bare t={p.o.createdAt} /></td>
      <td class="when"><Time bare t={p.o.paidAt} /></td>
    </tr>
  );
}

function Filters(p: { s: ListState }) {
  return (
    <form method="get" action="/console/orders" class="card filters" role="search">
      <div class="row">
        <div class="grow">
          <label for="q">Order id or reference</label>
          <input type="search" id="q" name="q" value={printable(p.s.q)} maxlength={MAX_SEARCH} placeholder="e.g. ord_… or table-4" />
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">All</option>
            {ORDER_STATUSES.map((s) => (
              <option value={s} selected={s === p.s.status}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <label class="check">
          <input type="checkbox" id="tests" name="tests" value="1" checked={p.s.tests} /> Show test orders
        </label>
        <button type="submit">Search</button>
      </div>
      <p class="chips">
        <a href={listHref({ ...p.s, status: undefined })}>All</a>
        {ORDER_STATUSES.map((s) => (
          <a href={listHref({ ...p.s, status: s })}>{s}</a>
        ))}
      </p>
    </form>
  );
}

function Table(p: { rows: OrderRecord[]; now: number }) {
  return (
    <div class="scroll">
      <table id="orders">
        <thead>
          <tr>
            <th>Order</th>
            <th class="num">Amount</th>
            <th>Status</th>
            <th class="when">Created (UTC)</th>
            <th class="when">Paid (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((o) => (
            <OrderRow o={o} now={p.now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ordersRoutes(deps: OrderDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.get('/console/orders', async (c) => {
    const statusText = c.req.query('status') || undefined;
    const limitNum = Number(c.req.query('limit') ?? PAGE);
    const s: ListState = {
      status: isOrderStatus(statusText) ? statusText : undefined,
      q: (c.req.query('q') ?? '').trim(),
      tests: c.req.query('tests') === '1',
      limit: Number.isInteger(limitNum) && limitNum >= 1 && limitNum <= 200 ? limitNum : PAGE,
    };
    const hide = !s.tests;
    const hiddenNote = hide && (
      <>
        Test orders (conformance kit) are hidden: <a href={listHref({ ...s, tests: true })}>show test orders</a>.
      </>
    );
    if (s.q.length > MAX_SEARCH) {
      const body = (
        <>
          <h1>Orders</h1>
          <Filters s={{ ...s, q: '' }} />
          <p class="error" role="alert">The search text is too long: at most {MAX_SEARCH} characters.</p>
        </>
      );
      return renderPage(c, 400, 'Orders', body, { section: 'orders' });
    }
    const cursor = s.q ? undefined : c.req.query('cursor');
    const beforeSeq = cursor ? decodeCursor(cursor) : undefined;
    const { orders: page, more, nextCursor } = await listOrdersPage(deps, { text: s.q, status: s.status, beforeSeq, hideTests: hide, limit: s.limit });
    const next = nextCursor ?? undefined;
    const empty = s.q ? (
      <p class="card muted">
        No orders match “{printable(s.q)}”{s.status ? ` among ${s.status} orders` : ''}
        {hide && (
          <>
            ; test orders are hidden: <a href={listHref({ ...s, tests: true })}>show them</a>
          </>
        )}
        .
      </p>
    ) : (
      <p class="card muted">No {s.status ?? ''} orders{cursor ? ' on this page' : ' yet'}.</p>
    );
    const body = (
      <>
        <h1>Orders</h1>
        <Filters s={s} />
        {s.q && page.length > 0 && <p class="muted">{more ? `The first ${s.limit} matches, best first: narrow the search to see others.` : `${page.length} matching, best first.`}</p>}
        {page.length === 0 ? empty : <Table rows={page} now={deps.now()} />}
        {hiddenNote && <p class="muted hidden-note">{hiddenNote}</p>}
        <nav class="pager">
          {cursor && <a href={listHref(s)}>« Newest</a>}
          {next && (
            <a rel="next" href={listHref(s, next)}>
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
