// Reads a JSON request body once from its raw bytes: UTF-8 and I-JSON (PROFILE §7), else a 400 in the envelope.
import { parseIJson } from '../protocol/i-json.ts';
import type { ErrorCode } from '../errors.ts';
import { errorResponse } from './errors.ts';

/** Stateless for whole-buffer decoding, so one serves every request. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export type JsonBody = { ok: true; value: unknown } | { ok: false; response: Response };

/** `code` is INVALID_REQUEST, or INVALID_PROOF on /transfer/webhook. Parses the bytes the signature covered. */
export function parseJsonBody(raw: Uint8Array, code: Extract<ErrorCode, 'INVALID_REQUEST' | 'INVALID_PROOF'> = 'INVALID_REQUEST'): JsonBody {
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    return { ok: false, response: errorResponse(code, 'body must be UTF-8 JSON', { reason: 'body is not valid UTF-8' }) };
  }
  const parsed = parseIJson(text);
  if (!parsed.ok) return { ok: false, response: errorResponse(code, `body must be I-JSON (RFC 7493): ${parsed.reason}`, { reason: parsed.reason }) };
  return { ok: true, value: parsed.value };
}
