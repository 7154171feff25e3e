// Bounded JSON GET for key resolution: URL policy on every hop, one deadline, a streamed size cap.
import { checkFetchUrl } from './url-policy.ts';

/** PROFILE §5: timeout ≤ 5 s, body ≤ 64 KiB. */
export const MAX_TIMEOUT_MS = 5000;
export const MAX_BODY_BYTES = 65536;
const MAX_REDIRECTS = 3;

export interface FetchJsonOptions {
  fetch: typeof fetch;
  timeoutMs?: number;
  maxBytes?: number;
  allowHttp?: boolean;
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

export async function fetchJson(url: string, opts: FetchJsonOptions): Promise<FetchJsonResult> {
  const timeoutMs = opts.timeoutMs ?? MAX_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? MAX_BODY_BYTES;
  checkFetchLimits(timeoutMs, maxBytes);
  const controller = new AbortController();
  // The race guarantees the deadline even if an injected fetch ignores its signal.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Fail>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ ok: false, reason: `timed out after ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const work = follow(url, opts, controller.signal, maxBytes).catch((err: unknown): Fail => ({ ok: false, reason: describe(err) }));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function follow(start: string, opts: FetchJsonOptions, signal: AbortSignal, maxBytes: number): Promise<FetchJsonResult> {
  let current = start;
  for (let hop = 0; ; hop++) {
    const check = checkFetchUrl(current, opts.allowHttp ?? false);
    if (!check.ok) return { ok: false, reason: hop === 0 ? check.reason : `redirect refused: ${check.reason}` };
    // Redirects are followed by hand so that each hop passes the URL policy above.
    const res = await opts.fetch(check.url.href, { method: 'GET', redirect: 'manual', signal, headers: { accept: 'application/json' } });
    if (res.status >= 300 && res.status < 400) {
      await discard(res);
      const location = res.headers.get('location');
      if (location === null) return { ok: false, status: res.status, reason: `HTTP ${res.status} without Location` };
      if (hop >= MAX_REDIRECTS) return { ok: false, status: res.status, reason: 'too many redirects' };
      try {
        current = new URL(location, check.url).href;
      } catch {
        return { ok: false, status: res.status, reason: 'redirect to an invalid URL' };
      }
      continue;
    }
    if (res.status < 200 || res.status > 299) {
      await discard(res);
      return { ok: false, status: res.status, reason: `HTTP ${res.status}` };
    }
    const body = await readCapped(res, maxBytes);
    if (!body.ok) return body;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body.bytes);
    } catch {
      return { ok: false, status: res.status, reason: 'body is not UTF-8' };
    }
    try {
      return { ok: true, status: res.status, json: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, status: res.status, reason: 'body is not JSON' };
    }
  }
}

/** Counts the bytes actually received: Content-Length is only a hint (absent with chunked bodies). */
async function readCapped(res: Response, maxBytes: number): Promise<{ ok: true; bytes: Uint8Array } | Fail> {
  const tooLarge: Fail = { ok: false, status: res.status, reason: `body larger than ${maxBytes} bytes` };
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await discard(res);
    return tooLarge;
  }
  if (res.body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return tooLarge;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, bytes };
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** fetch() failures carry the useful part (ECONNREFUSED, ENOTFOUND…) in `cause.code`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'fetch failed';
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${err.message} (${code})` : err.message;
}
