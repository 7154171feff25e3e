// readVerifyAnswer and verifyUrl, pure: each shape an issuer's signed answer may take, and each refused one.
import { describe, expect, it } from 'vitest';
import { readVerifyAnswer, verifyUrl } from '../../src/client/verify-answer.ts';

const proof = { txid: 'tx_1', issuer: 100, from: { ocid: 200 }, to: { ocid: 500, reference: 'ord_1' }, amount: '9.99', currency: 'USD', timestamp: 1 };
const read = (status: number, body: unknown) => readVerifyAnswer(status, body, 100, 'tx_1');
const reason = (status: number, body: unknown) => {
  const r = read(status, body);
  if (r.kind !== 'failure') throw new Error(`expected a failure, got ${r.kind}`);
  expect(r.code).toBe('GATEWAY_ERROR');
  return r.reason;
};

describe('readVerifyAnswer', () => {
  it('completed with the asked-about proof', () => {
    expect(read(200, { status: 'completed', proof, signature: 'ab' })).toEqual({ kind: 'completed', proof, signature: 'ab' });
  });

  it('completed with a proof of another txid or another issuer → failure', () => {
    expect(reason(200, { status: 'completed', proof: { ...proof, txid: 'tx_2' }, signature: 'ab' })).toBe('the issuer answered with a proof of another transfer than issuer 100 txid tx_1');
    expect(reason(200, { status: 'completed', proof: { ...proof, issuer: 101 }, signature: 'ab' })).toMatch(/another transfer/);
  });

  it('completed without a proof object or a signature string → failure', () => {
    expect(reason(200, { status: 'completed', proof: [proof], signature: 'ab' })).toMatch(/without a proof object/);
    expect(reason(200, { status: 'completed', proof, signature: 7 })).toMatch(/without a proof object and a signature string/);
  });

  it('pending keeps only well-formed facts', () => {
    expect(read(200, { status: 'pending', txid: 'tx_1', amount: '1e9', currency: 'usd', createdAt: 1.5, expiresAt: 20 })).toEqual({ kind: 'pending', txid: 'tx_1', expiresAt: 20 });
  });

  it('pending or expired about another txid → failure', () => {
    expect(reason(200, { status: 'pending', txid: 'tx_9' })).toBe('the issuer answered about another txid than tx_1');
    expect(reason(200, { status: 'expired', txid: 'tx_9' })).toBe('the issuer answered about another txid than tx_1');
  });

  it('no status, or not an object → failure', () => {
    expect(reason(200, { txid: 'tx_1' })).toBe('the issuer answer has no status');
    expect(reason(200, ['completed'])).toBe('the issuer answer is not a JSON object');
  });

  it('404 with another code, and any other HTTP status → failure naming status and code', () => {
    expect(reason(404, { error: { code: 'NOT_FOUND' } })).toBe('the issuer answered HTTP 404 NOT_FOUND');
    expect(reason(401, { error: { code: 'INVALID_SIGNATURE', message: 'x' } })).toBe('the issuer answered HTTP 401 INVALID_SIGNATURE');
    expect(reason(500, 'oops')).toBe('the issuer answered HTTP 500');
    expect(read(404, { error: { code: 'TXID_NOT_FOUND' } })).toEqual({ kind: 'not_found', txid: 'tx_1' });
  });
});

describe('verifyUrl', () => {
  it('appends /verify/{txid} to the endpoint path, the txid as one encoded segment, dropping query and fragment', () => {
    expect(verifyUrl('https://pg.example/opencharge/', 'a/b c')?.href).toBe('https://pg.example/opencharge/verify/a%2Fb%20c');
    expect(verifyUrl('https://pg.example/oc?x=1#f', 'tx')?.href).toBe('https://pg.example/oc/verify/tx');
  });

  it('has no URL for a dot-segment txid or an endpoint that is not a URL', () => {
    expect(verifyUrl('https://pg.example/oc', '.')).toBeUndefined();
    expect(verifyUrl('https://pg.example/oc', '..')).toBeUndefined();
    expect(verifyUrl('pg.example/oc', 'tx')).toBeUndefined();
  });
});
