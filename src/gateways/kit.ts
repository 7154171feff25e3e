// What every gateway adapter shares: a secret holder that never prints, the one HTTP exchange, settings.
import type { Env } from './definition.ts';
import type { GatewayResult, HttpRequest } from './types.ts';

/** Holds a credential so that JSON, String() and util.inspect never show it (ARCHITECTURE rule 6). */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([redacted])';
  }
}

/** Blank settings count as unset (an empty line in an .env file). */
export function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export interface Exchange {
  status: number;
  body: string;
}

/**
 * The impure half of build → send → parse: one HTTP exchange through the injected fetch. Redirects are
 * not followed (credentials would travel with them); network trouble and timeouts become 'unavailable'.
 */
export async function sendHttp(fetchImpl: typeof fetch, req: HttpRequest, o: { label: string; timeoutMs: number }): Promise<GatewayResult<Exchange>> {
  try {
    const init: RequestInit = { method: req.method, headers: req.headers, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs) };
    if (req.body !== undefined) init.body = req.body;
    const res = await fetchImpl(req.url, init);
    return { ok: true, value: { status: res.status, body: await res.text() } };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, error: { kind: 'unavailable', message: `${o.label} did not answer within ${o.timeoutMs} ms` } };
    const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    const detail = typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : '';
    return { ok: false, error: { kind: 'unavailable', message: `${o.label} could not be reached${detail}` } };
  }
}

/** JSON from a gateway's body, or undefined when it is not JSON (the caller reports 'protocol'). */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
