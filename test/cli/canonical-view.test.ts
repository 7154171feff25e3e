// The diff `request` prints on INVALID_SIGNATURE and its hints, for each mistake finding 7 names.
import { describe, expect, it } from 'vitest';
import { diffRows, isView, mismatchHints } from '../../src/cli/canonical-view.ts';
import { canonicalRequestView } from '../../src/protocol/canonical.ts';

const BODY = '{"amount":"15.00","currency":"USD"}';
const view = (over: { path?: string; body?: string; nonce?: string } = {}) =>
  canonicalRequestView({ ocid: '200', timestamp: '1706500000', nonce: over.nonce ?? 'req_1', method: 'POST', path: over.path ?? '/opencharge/orders/create', body: over.body ?? BODY });

describe('mismatchHints', () => {
  it('signed without the base path', () => {
    expect(mismatchHints(view({ path: '/orders/create' }), view())).toEqual([
      "the server received the path under '/opencharge': sign the full request-target, base path included",
    ]);
  });

  it('an unsigned query string', () => {
    expect(mismatchHints(view(), view({ path: '/opencharge/orders/create?x=1' }))[0]).toMatch(/^the query strings differ/);
  });

  it('%7e signed, %7E received', () => {
    expect(mismatchHints(view({ path: '/opencharge/orders/create?r=a%7eb' }), view({ path: '/opencharge/orders/create?r=a%7Eb' }))[0]).toMatch(
      /^the paths differ only in letter case, e\.g\. a percent-escape \(%7e vs %7E\)/,
    );
  });

  it('a trailing newline added on the way', () => {
    expect(mismatchHints(view(), view({ body: `${BODY}\n` }))).toEqual([
      'the body bytes differ (the server got one byte more: a trailing newline?): sign the exact bytes you send (curl --data-binary @file)',
    ]);
  });

  it('a newline stripped (curl -d)', () => {
    expect(mismatchHints(view({ body: `${BODY}\n` }), view())[0]).toMatch(/one byte fewer: a stripped newline, as `curl -d` does\?/);
  });

  it('a header value that is not the one signed', () => {
    expect(mismatchHints(view(), view({ nonce: 'req_2' }))).toEqual(['nonce differ: sign the same values you put in the X-OC-* headers and the request line']);
  });

  it('nothing differs: the key', () => {
    expect(mismatchHints(view(), view())).toEqual(['the canonical requests are identical: the signature was made with a key other than the one the server holds for OCID 200']);
  });
});

describe('diffRows', () => {
  it('prints equal rows once and a differing row as - ours, + theirs', () => {
    const lines = diffRows(view({ path: '/orders/create' }), view());
    expect(lines).toContain('  - path         /orders/create');
    expect(lines).toContain('  + path         /opencharge/orders/create');
    expect(lines).toContain('    ocid         200');
    expect(lines).toHaveLength(8);
  });
});

describe('isView', () => {
  it('accepts the server details and refuses anything else', () => {
    expect(isView(JSON.parse(JSON.stringify(view())))).toBe(true);
    expect(isView({ ...view(), bodyBytes: '35' })).toBe(false);
    expect(isView(null)).toBe(false);
  });
});
