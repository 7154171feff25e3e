// The one layout `sign`, `verify` and `request` print a canonical request in, its diff with the server's, and hints.
import type { CanonicalRequestView } from '../protocol/canonical.ts';

export type Rows = Array<[label: string, value: string]>;

const LABELS: Array<[keyof CanonicalRequestView, string]> = [
  ['ocid', 'ocid'],
  ['timestamp', 'timestamp'],
  ['nonce', 'nonce'],
  ['method', 'method'],
  ['path', 'path'],
  ['bodySha256', 'body sha256'],
  ['bodyBytes', 'body bytes'],
];

export function rowsOf(view: CanonicalRequestView): Rows {
  return LABELS.map(([key, label]) => [label, String(view[key])]);
}

/** A canonical string given whole (--canonical-file): its six lines by name, else numbered. */
export function rowsOfCanonical(canonical: string): Rows {
  const lines = canonical.split('\n');
  if (lines.length === 6) return lines.map((l, i) => [LABELS[i]![1], l]);
  return lines.map((l, i) => [`line ${i + 1}`, l]);
}

const row = (mark: string, [label, value]: [string, string]) => `${mark}${label.padEnd(12)} ${value}`;

export function formatRows(rows: Rows): string[] {
  return rows.map((r) => row('  ', r));
}

/** Is this the server's `details.canonicalRequest`? (It comes off the network: check every field.) */
export function isView(v: unknown): v is CanonicalRequestView {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return LABELS.every(([k]) => (k === 'bodyBytes' ? typeof o[k] === 'number' : typeof o[k] === 'string'));
}

/** Unchanged rows once; a differing row twice, `-` ours and `+` the server's. */
export function diffRows(ours: CanonicalRequestView, theirs: CanonicalRequestView): string[] {
  const a = rowsOf(ours);
  const b = rowsOf(theirs);
  return a.flatMap((r, i) => (r[1] === b[i]![1] ? [row('    ', r)] : [row('  - ', r), row('  + ', b[i]!)]));
}

/** Likely causes, named after the usual mistakes (base path, query, percent-escape case, newline, wrong key). */
export function mismatchHints(ours: CanonicalRequestView, theirs: CanonicalRequestView): string[] {
  const hints: string[] = [];
  if (ours.path !== theirs.path) {
    const [op = '', oq] = ours.path.split('?', 2);
    const [tp = '', tq] = theirs.path.split('?', 2);
    if (theirs.path.length > ours.path.length && theirs.path.endsWith(ours.path))
      hints.push(`the server received the path under '${theirs.path.slice(0, -ours.path.length)}': sign the full request-target, base path included`);
    else if (ours.path.toLowerCase() === theirs.path.toLowerCase())
      hints.push('the paths differ only in letter case, e.g. a percent-escape (%7e vs %7E): sign the request-target byte for byte as it is sent');
    else if (op === tp && oq !== tq) hints.push('the query strings differ: the signature covers the query exactly as sent (sign it, unchanged and in order)');
    else hints.push('the paths differ: sign the request-target exactly as sent (path and query, base path included)');
  }
  if (ours.bodySha256 !== theirs.bodySha256) {
    const delta = theirs.bodyBytes - ours.bodyBytes;
    const why = delta === 1 ? ' (the server got one byte more: a trailing newline?)' : delta === -1 ? ' (the server got one byte fewer: a stripped newline, as `curl -d` does?)' : '';
    hints.push(`the body bytes differ${why}: sign the exact bytes you send (curl --data-binary @file)`);
  }
  const headers = (['ocid', 'timestamp', 'nonce', 'method'] as const).filter((k) => ours[k] !== theirs[k]);
  if (headers.length) hints.push(`${headers.join(', ')} differ: sign the same values you put in the X-OC-* headers and the request line`);
  if (hints.length === 0)
    hints.push(`the canonical requests are identical: the signature was made with a key other than the one the server holds for OCID ${theirs.ocid}`);
  return hints;
}
