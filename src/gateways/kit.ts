// The gateway kit: what every adapter shares (secrets that never print, settings, the one HTTP exchange, failures, safe text).
import { z } from 'zod';
import { AMOUNT_RE } from '../protocol/amount.ts';
import type { Env } from './definition.ts';
import type {
  Charge, ChargeOrder, ChargeStatus, Gateway, GatewayDeps, GatewayError, GatewayErrorKind, GatewayId, GatewayResult, HttpRequest, Logger,
} from './types.ts';

/** Holds a credential so that JSON, String() and util.inspect never show it (docs/architecture.md rule 6). */
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

/** Two settings that only work together: false when both are unset (the gateway is off), an Error naming the one unset. */
export function bothSet(env: Env, a: string, b: string): boolean {
  const first = setting(env, a);
  const second = setting(env, b);
  if (first === undefined && second === undefined) return false;
  if (first === undefined) throw new Error(`${a} is required when ${b} is set`);
  if (second === undefined) throw new Error(`${b} is required when ${a} is set`);
  return true;
}

/**
 * An optional API base-URL setting: http(s), never carrying credentials (`where` says which settings hold them) and,
 * when `bare`, no query or fragment either. The caller drops trailing slashes.
 */
export function baseUrlSetting(example: string, where: string, o: { bare: boolean }) {
  const url = z
    .url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` })
    .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), `must not carry credentials${where}`);
  return (o.bare ? url.refine((u) => !/[?#]/.test(u), 'must not have a query or fragment') : url).optional();
}

type SettingsSchema = z.ZodObject<Record<string, z.ZodType<unknown, string | undefined>>>;

/** Every OC_* setting a gateway reads: the keys of its settings schema, in order (documentation and config validation). */
export function settingNames(schema: SettingsSchema): readonly string[] {
  return Object.keys(schema.shape);
}

/**
 * A gateway's settings (`setting` of each schema key, or its entry in `given`) through its zod schema; the first
 * problem throws as `<SETTING> <message>`. The schemas' messages never quote the input, so no secret leaks through it.
 */
export function parseSettings<S extends SettingsSchema>(schema: S, env: Env, given: Record<string, string | undefined> = {}): z.output<S> {
  const raw = Object.fromEntries(settingNames(schema).map((name) => [name, Object.hasOwn(given, name) ? given[name] : setting(env, name)]));
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`${String(issue.path[0])} ${issue.message}`);
}

/**
 * A base-URL setting split into origin and path (no trailing slash); undefined unless `allow` accepts its scheme and
 * host, and when it carries credentials, a query or a fragment (none belongs in a setting that is not secret).
 */
export function parseBaseUrl(value: string, allow: (url: URL) => boolean): { origin: string; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!allow(url)) return undefined;
  if (url.username || url.password || url.search || url.hash || value.includes('?') || value.includes('#')) return undefined;
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

/**
 * What every gateway's wire.ts exports as `wire` (docs/architecture.md rule 4): pure builders and the parsers of their
 * answers. What a builder needs (base URL, credentials, nonce, signer) and what a parser checks an answer against
 * (the order, the reference) differ per gateway; the shape does not. Only the adapter (index.ts) sends.
 */
export interface GatewayWire {
  toCreateRequest(...args: never[]): HttpRequest | GatewayResult<HttpRequest>;
  fromCreateResponse(status: number, body: string, ...context: never[]): GatewayResult<Charge>;
  /** Absent where the gateway has no charge lookup (the Opencharge MG). */
  toFetchRequest?(...args: never[]): HttpRequest | GatewayResult<HttpRequest>;
  fromFetchResponse?(status: number, body: string, ...context: never[]): GatewayResult<Charge>;
}

/** The common status a literal table gives a native one; undefined for a status the table does not name. */
export function lookupStatus<T extends Readonly<Record<string, ChargeStatus>>>(table: T, native: unknown): T[keyof T] | undefined {
  return typeof native === 'string' && Object.hasOwn(table, native) ? table[native as keyof T] : undefined;
}

/**
 * What every adapter states about itself the same way: its id, how its callbacks are authenticated, and what
 * JSON.stringify and loggers see of it (`shown`: public settings only, never a credential).
 */
export function identity<const Id extends GatewayId, const Auth extends Gateway['callbackAuth']>(id: Id, callbackAuth: Auth, shown: Record<string, unknown>) {
  return { id, callbackAuth, toJSON: (): Record<string, unknown> => ({ id, ...shown, callbackAuth }) };
}

/**
 * 15 s for one HTTP exchange, then it counts as lost: below the 20 s CoinGate waits for our callback replies, and
 * a lost create is safe to retry through the charge's idempotency key.
 */
export const DEFAULT_TIMEOUT_MS = 15_000;

export interface Exchange {
  status: number;
  body: string;
}

/**
 * The impure half of build → send → parse: one HTTP exchange through the injected fetch. Redirects are
 * not followed (credentials would travel with them); network trouble and timeouts become 'unavailable'.
 */
export async function sendHttp(deps: Pick<GatewayDeps, 'fetch' | 'timeoutMs'>, req: HttpRequest, label: string): Promise<GatewayResult<Exchange>> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const init: RequestInit = { method: req.method, headers: req.headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) };
    if (req.body !== undefined) init.body = req.body;
    const res = await deps.fetch(req.url, init);
    return { ok: true, value: { status: res.status, body: await res.text() } };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, error: { kind: 'unavailable', message: `${label} did not answer within ${timeoutMs} ms` } };
    const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    const detail = typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : '';
    return { ok: false, error: { kind: 'unavailable', message: `${label} could not be reached${detail}` } };
  }
}

/** The parse half over what `send` returned (a send failure passes through), with `secrets` scrubbed from any failure. */
export function parseExchange<T>(sent: GatewayResult<Exchange>, parse: (status: number, body: string) => GatewayResult<T>, secrets: readonly string[] = []): GatewayResult<T> {
  return scrubbed(sent.ok ? parse(sent.value.status, sent.value.body) : sent, secrets);
}

/** JSON from a gateway's body, or undefined when it is not JSON (the caller reports 'protocol' or refuses the callback). */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export { isRecord } from '../protocol/i-json.ts';

/** A decimal amount as a gateway writes it: a string, or a JSON number read only through its text (never computed with). */
export function decimalText(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  return typeof text === 'string' && AMOUNT_RE.test(text) ? text : undefined;
}

export function fail(kind: GatewayErrorKind, message: string, httpStatus?: number): { ok: false; error: GatewayError } {
  return { ok: false, error: httpStatus === undefined ? { kind, message } : { kind, message, httpStatus } };
}

/** A refused callback (its reason is logged and returned to the caller; never an exception). */
export function reject(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** The key of a gateway whose idempotency handle is the signed order id: every attempt sends the same one. */
export async function orderIdKey(order: ChargeOrder): Promise<GatewayResult<string>> {
  return { ok: true, value: order.id };
}

export function logFailure(log: Logger, gateway: GatewayId, op: string, error: GatewayError, fields: Record<string, unknown> = {}): void {
  log.warn(`${gateway} ${op} failed`, { gateway, kind: error.kind, httpStatus: error.httpStatus, message: error.message, ...fields });
}

/** A create's outcome logged (a failure as a warning, a new charge at info) and handed back. */
export function logCreate(log: Logger, gateway: GatewayId, orderId: string, result: GatewayResult<Charge>): GatewayResult<Charge> {
  if (!result.ok) logFailure(log, gateway, 'create', result.error);
  else log.info(`${gateway} charge created`, { gateway, reference: result.value.reference, orderId, status: result.value.gatewayStatus });
  return result;
}

/** A fetch's outcome logged (a failure as a warning, the native status at debug) and handed back. */
export function logFetch(log: Logger, gateway: GatewayId, reference: string, result: GatewayResult<Charge>): GatewayResult<Charge> {
  if (!result.ok) logFailure(log, gateway, 'fetch', result.error);
  else log.debug(`${gateway} charge fetched`, { gateway, reference, status: result.value.gatewayStatus });
  return result;
}

/** Clips to `max` code points (gateway limits count characters), adding `more` when something was cut. */
export function clip(text: string, max: number, more = ''): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('') + more;
}

/** Gateway or order text made printable (control runs → one space), trimmed and clipped; '' for a non-string. */
export function printable(value: unknown, max: number, more = ''): string {
  return typeof value === 'string' ? clip(value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim(), max, more) : '';
}

/** A native status for an error message: quoted when it looks like one, never raw gateway text. */
export function describeStatus(value: unknown): string {
  return typeof value === 'string' && /^[a-z_]{1,40}$/i.test(value) ? `'${value}'` : '(unreadable)';
}

/** Shorter values are not scrubbed: splitting on a two-letter id would mangle every message and hide nothing. */
const MIN_SCRUBBED_LENGTH = 4;

/** `text` with every secret replaced by `label` (belt and braces: gateways may echo what we sent). */
export function scrub(text: string, secrets: readonly string[], label = '[redacted]'): string {
  let out = text;
  for (const s of secrets) if (s.length >= MIN_SCRUBBED_LENGTH) out = out.split(s).join(label);
  return out;
}

/** A failure whose message carries none of `secrets`; a success passes unchanged. */
export function scrubbed<T>(result: GatewayResult<T>, secrets: readonly string[], label?: string): GatewayResult<T> {
  if (result.ok || secrets.length === 0) return result;
  return { ok: false, error: { ...result.error, message: scrub(result.error.message, secrets, label) } };
}
