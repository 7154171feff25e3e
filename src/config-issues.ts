// Turns a zod issue about one OC_* setting into "OC_PORT: must be a whole number 0–65535, got 'abc'" (secrets never echoed).
import { z } from 'zod';
import { maskDbUrl } from './store/db-url.ts';

/** Settings whose values are never repeated in a message. */
const SECRET_SETTING = /PRIVATE_KEY$|TOKEN|SECRET|PASSWORD/;

type Schema = z.ZodType & { _zod: { def: { innerType?: Schema } } };

function unwrap(schema: Schema): Schema {
  let s = schema;
  while (s._zod.def.innerType) s = s._zod.def.innerType;
  return s;
}

/** "a whole number 0–65535" from the number schema's own bounds, so a setting added later is described too. */
function numberRule(schema: z.ZodNumber): string {
  const kind = schema.isInt ? 'a whole number' : 'a number';
  let lo = schema.minValue ?? -Infinity;
  let hi = schema.maxValue ?? Infinity;
  // .positive() is an exclusive bound; zod reports it as 0, so probe it.
  if (schema.isInt && Number.isFinite(lo) && !schema.safeParse(lo).success) lo += 1;
  if (schema.isInt && Number.isFinite(hi) && !schema.safeParse(hi).success) hi -= 1;
  if (hi >= Number.MAX_SAFE_INTEGER && lo > -Infinity) return `${kind}, at least ${lo}`;
  if (Number.isFinite(lo) && Number.isFinite(hi)) return `${kind} ${lo}–${hi}`;
  return kind;
}

export function shownValue(name: string, raw: string): string {
  const text = name === 'OC_DATABASE_URL' ? maskDbUrl(raw) : raw;
  return `'${text.length > 80 ? text.slice(0, 80) + '…' : text}'`;
}

/** The reason part of one issue ("must be …"), with ", got '<value>'" unless the setting is a secret. */
export function describeIssue(name: string, fieldSchema: z.ZodType | undefined, issue: z.core.$ZodIssue, raw: string | undefined): string {
  const inner = fieldSchema ? unwrap(fieldSchema as Schema) : undefined;
  let reason: string;
  if (inner instanceof z.ZodNumber) reason = `must be ${numberRule(inner)}`;
  else if (issue.code === 'invalid_value') reason = `must be one of ${issue.values.map(String).join(', ')}`;
  else if (issue.code === 'invalid_format' && issue.format === 'url') reason = 'must be an absolute URL (https://…)';
  else reason = /^(Invalid|Too (small|big))/.test(issue.message) ? issue.message.toLowerCase() : issue.message;
  if (raw === undefined || SECRET_SETTING.test(name) || reason.includes(', got ')) return reason;
  return `${reason}, got ${shownValue(name, raw)}`;
}
