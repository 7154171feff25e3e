// The point-of-sale entry form: a free amount (and currency), or quantities of inventory items; optional memo.
import type { Inventory } from '../../../orders/inventory.ts';
import { CsrfForm } from './layout.tsx';

export interface PosFormValues {
  /** The order id this form will create: a double-submitted form replays the same order. */
  id: string;
  amount?: string;
  currency?: string;
  memo?: string;
  qty?: Record<string, string>;
}

export interface PosFormProps {
  csrf: string;
  currencies: string[];
  inventory?: Inventory;
  values: PosFormValues;
  error?: string;
}

function FreeAmount(p: PosFormProps) {
  return (
    <div class="fields">
      <div>
        <label for="amount">Amount</label>
        <input id="amount" name="amount" class="amount-input" inputmode="decimal" autocomplete="off" placeholder="0.00" required pattern="[0-9]+([.,][0-9]{1,2})?" value={p.values.amount} autofocus />
      </div>
      <div>
        <label for="currency">Currency</label>
        <select id="currency" name="currency" class="amount-input">
          {p.currencies.map((c) => (
            <option value={c} selected={c === p.values.currency}>
              {c}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function Items(p: { inventory: Inventory; qty: Record<string, string> }) {
  return (
    <div class="items">
      {[...p.inventory.items.values()].map((it) => (
        <div class="card">
          <strong>{it.name}</strong>
          <div class="muted">
            {it.price} {p.inventory.currency}
          </div>
          <label for={`qty-${it.id}`}>Quantity</label>
          <input id={`qty-${it.id}`} name={`qty:${it.id}`} type="number" min="0" max={String(it.max_qty ?? it.quantity ?? 1000000)} value={p.qty[it.id] ?? '0'} />
        </div>
      ))}
    </div>
  );
}

export function PosForm(p: PosFormProps) {
  return (
    <>
      <h1>New sale</h1>
      {p.error && (
        <p class="error" role="alert">
          {p.error}
        </p>
      )}
      <CsrfForm action="/console/pos/charge" csrf={p.csrf} class="card">
        <input type="hidden" name="id" value={p.values.id} />
        {p.inventory ? <Items inventory={p.inventory} qty={p.values.qty ?? {}} /> : <FreeAmount {...p} />}
        <label for="memo">Memo (optional)</label>
        <input id="memo" name="memo" maxlength={500} value={p.values.memo} placeholder="e.g. table 4" />
        <p>
          <button type="submit" class="charge">
            Charge
          </button>
        </p>
      </CsrfForm>
    </>
  );
}
