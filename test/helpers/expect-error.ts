// The error envelope every rejection answers with ({"error":{"code","message","details?"}}), checked in one place.
import { expect } from 'vitest';

export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Asserts that `res` is the error envelope with this status and code (its body shown if the status differs); returns the error. */
export async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as { error: ErrorBody };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}
