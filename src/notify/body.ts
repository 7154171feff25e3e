// The notification body and the short, secret-free error text stored with each attempt (pure).
import type { EventRecord } from '../store/types.ts';

/**
 * `{id, type, createdAt, data}` as JSON. A function of the stored event only, so every attempt of one event
 * sends the same bytes; `id` is the event id (also `webhook-id`), the shop's deduplication key. Throws when
 * the stored data is not JSON (a programmer error: the store only ever holds JSON.stringify output).
 */
export function webhookBody(e: Pick<EventRecord, 'id' | 'type' | 'createdAt' | 'data'>): string {
  return JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt, data: JSON.parse(e.data) as unknown });
}

export const SNIPPET_CHARS = 200;

/** Printable, single-line, at most `max` characters, with every secret (and a whsec_ key's base64) blanked. */
export function scrub(text: string, secrets: readonly string[], max = SNIPPET_CHARS): string {
  let out = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  for (const s of secrets) {
    for (const needle of [s, s.startsWith('whsec_') ? s.slice(6) : '']) if (needle.length >= 4) out = out.split(needle).join('[redacted]');
  }
  return out.length > max ? out.slice(0, max - 1) + '…' : out;
}
