// The one outbound fetch policy for peers and issuers (PROFILE §5, §7): URL and resolved-IP checks on every hop, one deadline, a size cap.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkedLookup, systemResolver, type HostResolver } from './address-policy.ts';
import { addressRuleFor, checkFetchUrl, hostForConnect } from './url-policy.ts';

/** PROFILE §5: timeout ≤ 5 s, body ≤ 64 KiB. */
export const MAX_TIMEOUT_MS = 5000;
export const MAX_BODY_BYTES = 65536;
const MAX_REDIRECTS = 3;

/** What a peer fetch may reach and how long it may take. Every GET of a peer's document goes through it. */
export interface FetchPolicy {
  /** OC_ALLOW_HTTP_PEERS: loopback addresses become reachable, and plain HTTP to them. Default false. */
  allowHttp?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  /** DNS; the system resolver unless a test points a name somewhere. */
  resolveHost?: HostResolver;
}

export type FetchJsonResult =
  | { ok: true; status: number; json: unknown }
  | { ok: false; status?: number; reason: string };

type Fail = { ok: false; status?: number; reason: string };

/** Programmer error (bad limits) throws; everything the remote side does comes back as a value. */
export function checkFetchLimits(timeoutMs: number, maxBytes: number): void {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)
    throw new RangeError(`timeoutMs must be an integer in 1..${MAX_TIMEOUT_MS}, got ${timeoutMs}`);
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_BODY_BYTES)
    throw new RangeError(`maxBytes must be an integer in 1..${MAX_BODY_BYTES}, got ${maxBytes}`);
}

/** One outbound GET beyond the default JSON document fetch. */
export interface PeerRequest {
  /** Extra request headers (a signed call's X-OC-*). */
  headers?: Record<string, string>;
  /** Read the body of any final status, not only 2xx (a signed error answer must be verified too). */
  anyStatus?: boolean;
  /** Redirects to follow (default 3). A signed request follows none: its signature names the path. */
  maxRedirects?: number;
}

export type PeerResponse = { ok: true; status: number; headers: Headers; bytes: Uint8Array };

/**
 * GET under the fetch policy: the final status, headers and exact body bytes (≤ maxBytes), or why not.
 * The `reason` of a failure is for the log: it names hosts, ports and errors, so it must never reach an
 * unauthenticated caller.
 */
export async function fetchPeer(url: string, policy: FetchPolicy, req: PeerRequest = {}): Promise<PeerResponse | Fail> {
  const timeoutMs = policy.timeoutMs ?? MAX_TIMEOUT_MS;
  const maxBytes = policy.maxBytes ?? MAX_BODY_BYTES;
  checkFetchLimits(timeoutMs, maxBytes);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Fail>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `timed out after ${timeoutMs} ms` }), timeoutMs);
  });
  const work = follow(url, policy, req, controller.signal, maxBytes).catch((err: unknown): Fail => ({ ok: false, reason: describe(err) }));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // Whatever is still open (a stalled body, a hanging connect) is torn down now.
    controller.abort();
  }
}

/** GET a JSON document from a peer, registry or issuer URL: 2xx only, UTF-8, parsed (failure reasons as fetchPeer's). */
export async function fetchPeerJson(url: string, policy: FetchPolicy): Promise<FetchJsonResult> {
  const res = await fetchPeer(url, policy);
  if (!res.ok) return res;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(res.bytes);
  } catch {
    return { ok: false, status: res.status, reason: 'body is not UTF-8' };
  }
  try {
    return { ok: true, status: res.status, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: res.status, reason: 'body is not JSON' };
  }
}

async function follow(start: string, policy: FetchPolicy, req: PeerRequest, signal: AbortSignal, maxBytes: number): Promise<PeerResponse | Fail> {
  const allowHttp = policy.allowHttp ?? false;
  const maxRedirects = req.maxRedirects ?? MAX_REDIRECTS;
  let current = start;
  for (let hop = 0; ; hop++) {
    const check = checkFetchUrl(current, allowHttp);
    if (!check.ok) return { ok: false, reason: hop === 0 ? check.reason : `redirect refused: ${check.reason}` };
    // Redirects are followed by hand so that each hop passes the URL and address checks.
    const res = await get(check.url, policy, req.headers ?? {}, signal);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400) {
      res.destroy();
      const location = res.headers.location;
      if (maxRedirects === 0) return { ok: false, status, reason: `HTTP ${status} redirect not followed` };
      if (location === undefined) return { ok: false, status, reason: `HTTP ${status} without Location` };
      if (hop >= maxRedirects) return { ok: false, status, reason: 'too many redirects' };
      try {
        current = new URL(location, check.url).href;
      } catch {
        return { ok: false, status, reason: 'redirect to an invalid URL' };
      }
      continue;
    }
    if (!req.anyStatus && (status < 200 || status > 299)) {
      res.destroy();
      return { ok: false, status, reason: `HTTP ${status}` };
    }
    const body = await readCapped(res, maxBytes);
    return body.ok ? { ok: true, status, headers: headersOf(res), bytes: body.bytes } : body;
  }
}

/** Node's header record as a fetch Headers (the response-signature check reads it so). */
function headersOf(res: IncomingMessage): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

/** One request on its own connection; a host name connects only to addresses checkedLookup passed. */
function get(url: URL, policy: FetchPolicy, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // The deadline may pass between two hops: then no further connection is opened.
    if (signal.aborted) return reject(new Error('aborted'));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      {
        hostname: hostForConnect(url),
        port: url.port === '' ? undefined : Number(url.port),
        path: url.pathname + url.search,
        method: 'GET',
        headers: { accept: 'application/json', ...headers },
        agent: false,
        lookup: checkedLookup(addressRuleFor(url, policy.allowHttp ?? false), policy.resolveHost ?? systemResolver),
      },
      resolve,
    );
    const abort = () => req.destroy(new Error('aborted'));
    signal.addEventListener('abort', abort, { once: true });
    req.once('close', () => signal.removeEventListener('abort', abort));
    req.once('error', reject);
    req.end();
  });
}

/** Counts the bytes actually received: Content-Length is only a hint (absent with chunked bodies). */
async function readCapped(res: IncomingMessage, maxBytes: number): Promise<{ ok: true; bytes: Uint8Array } | Fail> {
  const tooLarge: Fail = { ok: false, status: res.statusCode, reason: `body larger than ${maxBytes} bytes` };
  if (Number(res.headers['content-length'] ?? NaN) > maxBytes) {
    res.destroy();
    return tooLarge;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      res.destroy();
      return tooLarge;
    }
    chunks.push(chunk);
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** Socket errors carry the useful part (ECONNREFUSED, ENOTFOUND, a TLS code) in `code`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'request failed';
  const code = (err as NodeJS.ErrnoException).code;
  const message = err.message || err.name;
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
