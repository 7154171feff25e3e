// How a check says "fail" or "skip": thrown values caught by the runner, each carrying the exchange it is about.
import type { Exchange } from './client.ts';

export class CheckFail extends Error {
  constructor(
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
  }
}

export class CheckSkip extends Error {}

export function fail(message: string, exchange?: Exchange): never {
  throw new CheckFail(message, exchange);
}

export function skip(reason: string): never {
  throw new CheckSkip(reason);
}

export function expect(condition: unknown, message: string, exchange?: Exchange): asserts condition {
  if (!condition) throw new CheckFail(message, exchange);
}

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The status, and a JSON object body. */
export function expectJson(e: Exchange, status: number): Json {
  expect(e.status === status, `expected HTTP ${status}, got ${e.status}${describeError(e)}`, e);
  expect(isObject(e.json), `expected a JSON object body, got ${JSON.stringify(e.text.slice(0, 80))}`, e);
  expect(/^application\/json\b/i.test(e.headers.get('content-type') ?? ''), `expected Content-Type application/json, got ${e.headers.get('content-type')}`, e);
  return e.json;
}

/** Problems with the error envelope `{"error":{"code","message","details?"}}` (PROFILE §2, §8; opencharge.md §7.1). */
export function envelopeProblem(e: Exchange): string | undefined {
  if (!/^application\/json\b/i.test(e.headers.get('content-type') ?? '')) return `Content-Type is ${e.headers.get('content-type') ?? 'absent'}, not application/json`;
  if (!isObject(e.json)) return 'body is not a JSON object';
  const extra = Object.keys(e.json).filter((k) => k !== 'error');
  if (extra.length) return `body has keys besides "error": ${extra.join(', ')}`;
  const err = e.json.error;
  if (!isObject(err)) return 'body has no "error" object';
  if (typeof err.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(err.code)) return 'error.code is not an UPPER_SNAKE string';
  if (typeof err.message !== 'string' || err.message === '') return 'error.message is not a non-empty string';
  if (err.details !== undefined && !isObject(err.details)) return 'error.details is present but not an object';
  const unknown = Object.keys(err).filter((k) => !['code', 'message', 'details'].includes(k));
  if (unknown.length) return `error has keys besides code, message, details: ${unknown.join(', ')}`;
  return undefined;
}

/** A rejection: the status, the envelope, the code. Returns `error` for further checks. */
export function expectError(e: Exchange, status: number, code: string): Json {
  const got = errorCode(e);
  expect(e.status === status && got === code, `expected HTTP ${status} ${code}, got ${e.status}${got ? ` ${got}` : ''}`, e);
  const problem = envelopeProblem(e);
  expect(problem === undefined, `error envelope: ${problem}`, e);
  return (e.json as { error: Json }).error;
}

export function errorCode(e: Exchange): string | undefined {
  const err = isObject(e.json) ? e.json.error : undefined;
  return isObject(err) && typeof err.code === 'string' ? err.code : undefined;
}

function describeError(e: Exchange): string {
  const code = errorCode(e);
  return code ? ` ${code}` : '';
}
