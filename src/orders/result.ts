// Use-case results: attacker input produces a value with a closed error code (docs/architecture.md rule 2).
import type { ErrorCode } from '../errors.ts';

export interface Failure {
  ok: false;
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | Failure;

export const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>): Failure =>
  details === undefined ? { ok: false, code, message } : { ok: false, code, message, details };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
