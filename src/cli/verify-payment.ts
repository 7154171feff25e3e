// `verify-payment --issuer N --txid T [--order ID]`: ask the issuer about a missed payment and settle it in the store.
import { randomBytes } from 'node:crypto';
import { defineCommand, positiveInt, UsageError } from './args.ts';
import { loadConfigFromEnv } from '../runtime/config-file.ts';
import { buildDeps } from '../deps.ts';
import { createLogger } from '../log.ts';
import { effectiveStatus } from '../orders/get-order.ts';
import { recoverPayment, recoverRequest } from '../orders/recover-payment.ts';
import { openStore } from '../store/open.ts';

export const run = defineCommand(
  {
    name: 'verify-payment',
    summary: `Asks issuer N about transfer T (GET {its config.endpoint}/verify/T, signed as this merchant; the
issuer must list verify.txid in its metadata), verifies the signed answer, and settles a completed
transfer exactly as its webhook would have: same checks, same notifications, once only (a transfer
already recorded changes nothing). It runs with the server's settings (OC_DATABASE_URL, OC_OCID, the
key, OC_PEERS_FILE, OC_ACCEPTS) and opens the database itself, so the server need not run; the
notifications it records are sent by the server's delivery worker.`,
    options: {
      issuer: { type: 'string', value: 'N', description: "the issuer's OCID (in the order's accepts, or OC_ACCEPTS without --order)", parse: positiveInt },
      txid: { type: 'string', value: 'T', description: "the issuer's transaction id" },
      order: { type: 'string', value: 'ID', description: 'the order this payment is for: a proof naming another order is refused;\nwithout it the proof’s to.reference picks the order, as for a webhook' },
    },
    notes: 'Exit status: 0 the issuer confirmed the payment and it is recorded (the verdict is printed), 1 the issuer\ndid not confirm it (pending, expired, unknown, unreachable, untrusted answer), 2 bad invocation.',
    examples: ['opencharge-merchant verify-payment --issuer 100 --txid gateway_tx_456 --order cart-1042'],
  },
  async ({ values: v }, io) => {
    if (v.issuer === undefined || v.txid === undefined) throw new UsageError('--issuer and --txid are required');
    const parsed = recoverRequest.safeParse({ issuer: v.issuer, txid: v.txid });
    if (!parsed.success) throw new UsageError(`--${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
    const config = loadConfigFromEnv(io.env, io.cwd);
    const store = await openStore(config.databaseUrl, { cwd: io.cwd });
    try {
      const { deps } = buildDeps(config, store, {
        fetch: globalThis.fetch,
        now: () => Math.floor(Date.now() / 1000),
        randomBytes: (n) => new Uint8Array(randomBytes(n)),
        log: createLogger({ level: config.logLevel, format: config.logFormat }),
        cwd: io.cwd,
      });
      const res = await recoverPayment(deps, { ...parsed.data, ...(v.order !== undefined ? { orderId: v.order } : {}) });
      if (!res.ok) {
        io.err(`${res.code}: ${res.message}`);
        return 1;
      }
      const r = res.value;
      io.out(`issuer ${r.issuer} confirmed txid ${r.txid}: verdict ${r.verdict}${r.repeat ? ' (already recorded: nothing changed)' : ''}`);
      if (r.order) io.out(`order ${r.order.id}: ${effectiveStatus(r.order, deps.now())}${r.order.txid ? ` (txid ${r.order.txid})` : ''}`);
      else io.out('no single order matches its to.reference: nothing settled, the proof is kept for review');
      return 0;
    } finally {
      await store.close();
    }
  },
);
