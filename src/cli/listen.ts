// `listen`: a local shop-webhook receiver that verifies each delivery with the official standardwebhooks library, prints it, forwards it.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { defineCommand, httpUrl, port, UsageError } from './args.ts';
import type { CliIO } from './io.ts';
import { fetchOrExplain } from '../client/network-error.ts';

const DEFAULT_LISTEN_PORT = 8788;
const MAX_BODY = 1024 * 1024;
const FORWARDED = ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'user-agent'];

/** The secrets from --secret, else OC_WEBHOOK_SECRET (environment, then ./.env); comma-separated during a rotation. */
export function webhookSecrets(flag: string | undefined, io: CliIO): { secrets: Webhook[]; source: string } {
  let text = flag;
  let source = '--secret';
  if (text === undefined && io.env.OC_WEBHOOK_SECRET) [text, source] = [io.env.OC_WEBHOOK_SECRET, 'OC_WEBHOOK_SECRET'];
  if (text === undefined) {
    const file = resolve(io.cwd, '.env');
    let content: string | undefined;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      /* no .env: fine, reported below */
    }
    const value = content === undefined ? undefined : parseEnv(content).OC_WEBHOOK_SECRET;
    if (value) [text, source] = [value, `OC_WEBHOOK_SECRET in ${file}`];
  }
  if (!text)
    throw new UsageError('no secret: give --secret whsec_…, or set OC_WEBHOOK_SECRET in the environment or ./.env (make one with `opencharge-merchant keygen --webhook-secret`)');
  const secrets = text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    if (!s.startsWith('whsec_')) throw new UsageError(`${source}: a Standard Webhooks secret starts with whsec_ (make one with \`opencharge-merchant keygen --webhook-secret\`)`);
    try {
      return new Webhook(s);
    } catch (err) {
      throw new UsageError(`${source}: not whsec_<base64> (${(err as Error).message})`);
    }
  });
  return { secrets, source };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => res(size <= MAX_BODY ? Buffer.concat(chunks) : undefined));
    req.on('error', rej);
  });
}

/** The first secret that verifies, or the library's reason for the last one that did not. */
function verify(secrets: Webhook[], payload: string, headers: Record<string, string>): { ok: true } | { ok: false; reason: string } {
  let reason = 'no secret';
  for (const wh of secrets) {
    try {
      wh.verify(payload, headers, { jsonParse: false });
      return { ok: true };
    } catch (err) {
      reason = (err as Error).message;
    }
  }
  return { ok: false, reason };
}

const reply = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const envelope = (code: string, message: string) => ({ error: { code, message } });

export interface ListenerOptions {
  host: string;
  port: number;
  secrets: Webhook[];
  forwardTo?: string;
  io: CliIO;
}

export async function startListener(o: ListenerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return reply(res, 405, envelope('METHOD_NOT_ALLOWED', 'webhook deliveries are POST requests'));
    const raw = await readBody(req);
    if (!raw) return reply(res, 413, envelope('PAYLOAD_TOO_LARGE', `bodies over ${MAX_BODY} bytes are refused`));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const payload = raw.toString('utf8');
    let event: { type?: unknown; data?: unknown } = {};
    try {
      event = JSON.parse(payload) as typeof event;
    } catch {
      /* printed as "(not JSON)" */
    }
    const type = typeof event.type === 'string' ? event.type : '(not JSON)';
    const verdict = verify(o.secrets, payload, headers);
    o.io.out(`${new Date().toISOString()}  ${type.padEnd(22)} ${headers['webhook-id'] ?? '(no webhook-id)'}  ${verdict.ok ? 'verified' : `INVALID (${verdict.reason})`}`);
    if (event.data !== undefined) o.io.out(`  data ${JSON.stringify(event.data)}`);
    if (!verdict.ok) return reply(res, 400, envelope('INVALID_SIGNATURE', `webhook signature does not verify: ${verdict.reason}`));
    if (!o.forwardTo) return reply(res, 200, { verified: true });
    try {
      const fwd = await fetchOrExplain(fetch, o.forwardTo, {
        method: 'POST',
        headers: Object.fromEntries(FORWARDED.filter((h) => headers[h] !== undefined).map((h) => [h, headers[h]!])),
        body: new Uint8Array(raw),
        redirect: 'manual',
      });
      const body = Buffer.from(await fwd.arrayBuffer());
      o.io.out(`  → ${o.forwardTo}: ${fwd.status}`);
      res.writeHead(fwd.status, { 'content-type': fwd.headers.get('content-type') ?? 'text/plain' }).end(body);
    } catch (err) {
      const message = (err as Error).message;
      o.io.out(`  → ${message}`);
      reply(res, 502, envelope('FORWARD_FAILED', message));
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.io.err(`listen: ${(err as Error).message}`);
      if (!res.headersSent) reply(res, 500, envelope('INTERNAL', 'the listener failed on this delivery'));
    });
  });
  await new Promise<void>((res, rej) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      rej(err.code === 'EADDRINUSE' ? new Error(`port ${o.port} on ${o.host} is in use: pick another with --port`) : new Error(`cannot listen on ${o.host}:${o.port} (${err.code ?? err.message})`)),
    );
    server.listen(o.port, o.host, res);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${bound}`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const stopSignal = () =>
  new Promise<string>((r) => {
    const on = (s: string) => () => {
      process.off('SIGINT', onInt).off('SIGTERM', onTerm);
      r(s);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt).once('SIGTERM', onTerm);
  });

export const run = defineCommand(
  {
    name: 'listen',
    summary: `Receives the server's shop notifications locally: verifies each delivery with the official
Standard Webhooks library (new Webhook(secret).verify(payload, headers)), prints its event type,
webhook-id and verdict (verified / INVALID with the reason) and its data; answers 200 when it
verifies and 400 when not (the server then retries). With --forward-to, verified deliveries are
passed on to your shop's handler (same body and webhook-* headers) and its status is relayed.
Point the server at it with OC_WEBHOOK_URL=http://127.0.0.1:<port> and the same OC_WEBHOOK_SECRET.`,
    options: {
      port: { type: 'string', value: 'N', parse: port, description: `port to listen on, 127.0.0.1 (default ${DEFAULT_LISTEN_PORT}; 0 picks a free one)` },
      host: { type: 'string', value: 'ADDR', description: 'address to listen on (default 127.0.0.1)' },
      'forward-to': { type: 'string', value: 'URL', parse: httpUrl, description: 'pass verified deliveries on to this URL and relay its answer' },
      secret: { type: 'string', value: 'whsec_…', description: 'the webhook secret (default: OC_WEBHOOK_SECRET from the environment, then ./.env);\ncomma-separated for a rotation. Visible in ps: prefer the environment.' },
    },
    notes: 'Runs until Ctrl-C. Exit status: 0 after Ctrl-C, 2 bad invocation or no usable secret.',
    examples: ['opencharge-merchant listen --port 8788', 'opencharge-merchant listen --port 8788 --forward-to http://localhost:3000/hooks/opencharge'],
  },
  async ({ values: v }, io) => {
    const { secrets, source } = webhookSecrets(v.secret, io);
    const listener = await startListener({ host: v.host ?? '127.0.0.1', port: v.port ?? DEFAULT_LISTEN_PORT, secrets, forwardTo: v['forward-to'], io });
    io.out(`listening for shop webhooks on ${listener.url} (secret from ${source}${secrets.length > 1 ? `, ${secrets.length} secrets` : ''})`);
    io.out(`  start the server with OC_WEBHOOK_URL=${listener.url} and the same OC_WEBHOOK_SECRET${v['forward-to'] ? `; forwarding to ${v['forward-to']}` : ''}`);
    const signal = await stopSignal();
    await listener.close();
    io.out(`received ${signal}: stopped`);
    return 0;
  },
);
