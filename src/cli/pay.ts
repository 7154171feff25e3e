// `pay <order-id>`: as the development issuer, sign a transfer proof for the order, deliver it, print verdict, status and notification.
import { randomBytes } from 'node:crypto';
import { defineCommand, oneOf, positiveInt, UsageError } from './args.ts';
import { IDENTITY_OPTIONS, serverOrigin, signingIdentity, URL_OPTION } from './peer-identity.ts';
import type { CliIO } from './io.ts';
import { createSigner } from '../client/signer.ts';
import { fetchOrExplain } from '../client/network-error.ts';
import { selectBackend } from '../crypto/select.ts';
import { DEV_DEMO_OCID } from '../identity.ts';
import { loadConfigFromEnv } from '../runtime/config-file.ts';
import { AMOUNT_RE } from '../protocol/amount.ts';
import { canonicalProof } from '../protocol/canonical.ts';
import { bytesToHex } from '../protocol/hex.ts';

interface Order {
  id: string;
  ocid: number;
  amount: string;
  currency: string;
}

interface Status {
  status: string;
  paidAt?: number;
  txid?: string;
}

async function getJson(url: string, what: string): Promise<unknown> {
  const res = await fetchOrExplain(fetch, url);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${what}: GET ${url} answered ${res.status} with a body that is not JSON`);
  }
  if (!res.ok) throw new Error(`${what}: GET ${url} answered ${res.status} ${JSON.stringify((body as { error?: unknown }).error ?? body)}`);
  return body;
}

async function readOrder(base: string, id: string): Promise<Order> {
  const body = (await getJson(`${base}/orders/${encodeURIComponent(id)}`, `order ${id}`)) as { order?: Partial<Order> };
  const o = body.order;
  if (!o || typeof o.amount !== 'string' || typeof o.currency !== 'string' || typeof o.ocid !== 'number')
    throw new Error(`order ${id}: the answer has no order with amount, currency and ocid`);
  return { id, ocid: o.ocid, amount: o.amount, currency: o.currency };
}

const readStatus = async (base: string, id: string) => (await getJson(`${base}/orders/${encodeURIComponent(id)}/status`, `order ${id}`)) as Status;

/** --late on a pending order: cancel it first through the admin API, so the proof arrives after the order closed. */
async function cancelFirst(io: CliIO, origin: string, id: string, adminToken: string | undefined): Promise<void> {
  if (!adminToken)
    throw new UsageError(`--late: order ${id} is still pending; pay cancels it first through the admin API, which needs the server's OC_ADMIN_TOKEN in the environment (or wait until the order expires)`);
  const url = `${origin}/admin/orders/${encodeURIComponent(id)}/cancel`;
  const res = await fetchOrExplain(fetch, url, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`--late: POST ${url} answered ${res.status} ${await res.text()}`);
  io.out(`order ${id} was pending: cancelled it first (POST /admin/orders/${id}/cancel) so this payment arrives late`);
}

/** The notification the server sends for this outcome (README, Notifications to your shop). */
function notification(before: string, status: number, code: string | undefined): string | undefined {
  if (status === 200) return before === 'pending' ? 'order.paid' : before === 'paid' ? 'order.payment_mismatch' : 'order.paid_late';
  if (code === 'AMOUNT_MISMATCH' || code === 'CURRENCY_MISMATCH') return 'order.payment_mismatch';
  return undefined;
}

const amount = (t: string) => {
  if (!AMOUNT_RE.test(t)) throw new Error(`must be a decimal string like 15.00, got '${t}'`);
  return t;
};
const currency = (t: string) => {
  if (!/^[A-Z0-9]{3,5}$/.test(t)) throw new Error(`must be a currency code like USD, got '${t}'`);
  return t;
};

export const run = defineCommand(
  {
    name: 'pay',
    args: '<order-id>',
    positionals: [1, 1],
    summary: `Pays an order the way a settlement issuer does: reads the order from the server (amount,
currency, merchant OCID), signs a transfer proof for it (to.reference = the order id) as the
development issuer from data/dev-identities.json (or --ocid with --key/--key-file), delivers it
signed as that issuer to POST /transfer/webhook, and prints the verdict, the order's new status
and the notification the shop gets. The unhappy paths, to see each notification:
  --amount / --currency   a proof for another amount or currency: 400, order.payment_mismatch
  --late                  a proof after the order closed: 200 accepted, status kept, order.paid_late
                          (an expired or cancelled order is paid as is; a pending one is cancelled
                          first through the admin API, which needs OC_ADMIN_TOKEN)
  pay twice               a second payment of a paid order: order.payment_mismatch`,
    options: {
      ...IDENTITY_OPTIONS,
      as: { ...IDENTITY_OPTIONS.as, description: 'sign as this development identity (default: issuer)' },
      ...URL_OPTION,
      form: { type: 'string', value: 'A|B', parse: oneOf('A', 'B'), description: 'proof canonicalisation: B sorted at all levels (default), A top-level keys' },
      amount: { type: 'string', value: 'AMOUNT', parse: amount, description: "the proof's amount (default: the order's)" },
      currency: { type: 'string', value: 'CODE', parse: currency, description: "the proof's currency (default: the order's)" },
      late: { type: 'boolean', description: 'pay after the order closed (see above)' },
      from: { type: 'string', value: 'N', parse: positiveInt, description: `the payer's OCID in proof.from (default ${DEV_DEMO_OCID}, the demo payment app)` },
    },
    notes: 'Exit status: 0 when the server accepted the proof (200), 1 when it refused it, 2 bad invocation.',
    examples: ['opencharge-merchant pay ord_0191a2b3c4d5e6f7', 'opencharge-merchant pay ord_0191a2b3c4d5e6f7 --amount 1.00', 'OC_ADMIN_TOKEN=… opencharge-merchant pay ord_0191a2b3c4d5e6f7 --late'],
  },
  async ({ values: v, positionals: [id] }, io) => {
    const config = loadConfigFromEnv(io.env, io.cwd);
    const issuer = signingIdentity(v, config, io, 'issuer');
    const origin = serverOrigin(v.url, config);
    const base = origin + config.basePath;
    const order = await readOrder(base, id!);
    let before = (await readStatus(base, id!)).status;
    io.out(`order ${id}: ${order.amount} ${order.currency}, ${before}, merchant OCID ${order.ocid}`);
    if (v.late) {
      if (before === 'paid') throw new UsageError(`--late: order ${id} is already paid; --late pays a pending, expired or cancelled order`);
      if (before === 'pending') {
        await cancelFirst(io, origin, id!, config.adminToken);
        before = 'cancelled';
      }
    }

    const form = v.form ?? 'B';
    const now = Math.floor(Date.now() / 1000);
    const proof = {
      txid: `cli_${bytesToHex(randomBytes(12))}`,
      issuer: issuer.ocid,
      from: { ocid: v.from ?? DEV_DEMO_OCID, reference: 'opencharge-merchant pay' },
      to: { ocid: order.ocid, reference: order.id },
      amount: v.amount ?? order.amount,
      currency: v.currency ?? order.currency,
      timestamp: now,
    };
    const { backend } = selectBackend(config.crypto);
    const signer = createSigner({ ocid: issuer.ocid, privateKey: issuer.key, backend, now: () => now, randomBytes: (n) => new Uint8Array(randomBytes(n)) });
    const body = JSON.stringify({ proof, signature: signer.signCanonical(canonicalProof(proof, form)) });
    io.out(`proof (form ${form}) signed by ${issuer.label}:`);
    io.out(JSON.stringify(proof, null, 2));

    const path = `${config.basePath}/transfer/webhook`;
    io.out(`> POST ${origin}${path}`);
    const res = await fetchOrExplain(fetch, origin + path, { method: 'POST', headers: { ...signer.sign('POST', path, body), 'content-type': 'application/json' }, body });
    const text = await res.text();
    io.out(`< ${res.status} ${text}`);
    let code: string | undefined;
    let message = '';
    try {
      const answer = JSON.parse(text) as { status?: string; error?: { code?: string; message?: string } };
      code = answer.error?.code;
      message = answer.error?.message ?? '';
    } catch {
      /* not JSON: the status line says enough */
    }
    io.out(`verdict:      ${res.status === 200 ? 'accepted' : `${code ?? `HTTP ${res.status}`}${message ? ` (${message})` : ''}`}`);
    const after = await readStatus(base, id!);
    io.out(`order status: ${after.status}${after.txid ? ` (txid ${after.txid})` : ''}`);
    const event = notification(before, res.status, code);
    if (event) io.out(`notification: ${event} (sent to the server's OC_WEBHOOK_URL; \`opencharge-merchant listen\` prints it)`);
    return res.status === 200 ? 0 : 1;
  },
);
