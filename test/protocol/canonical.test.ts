// Canonical strings (requests, responses) and JSON canonicalisations (orders, proofs, config): opencharge.md §3.2, §3.7, §4.2, §5.2, §6.4.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalConfig,
  canonicalOrder,
  canonicalProof,
  canonicalRequest,
  canonicalResponse,
  canonicalSorted,
  canonicalTopLevel,
} from '../../src/protocol/canonical.ts';

/** Independent SHA-256 (node:crypto, not the module under test) of a string's UTF-8 bytes or raw bytes. */
const sha = (x: string | Uint8Array) => createHash('sha256').update(x).digest('hex');
const parts = { ocid: '200', timestamp: '1706500000', nonce: 'req_abc123', method: 'GET', path: '/opencharge/capabilities', body: '' };

describe('canonicalRequest (§3.2)', () => {
  it('GET without body: six LF-joined fields, empty-body hash, no trailing newline', () => {
    const c = canonicalRequest(parts);
    expect(c).toBe(`200\n1706500000\nreq_abc123\nGET\n/opencharge/capabilities\n${sha('')}`);
    expect(c.endsWith('\n')).toBe(false);
    expect(c.split('\n')).toHaveLength(6);
  });

  it('POST with body: last field is the SHA-256 of the exact body bytes', () => {
    const body = '{"id":"ord_1","amount":"15.00"}';
    const c = canonicalRequest({ ...parts, method: 'POST', path: '/opencharge/orders/create', body });
    expect(c.split('\n')[5]).toBe(sha(body));
    expect(c.split('\n')[3]).toBe('POST');
  });

  it('keeps the query string verbatim: no reordering, no percent-decoding', () => {
    const path = '/opencharge/inventory?b=2&a=1&q=caf%C3%A9&x=%2F';
    expect(canonicalRequest({ ...parts, path }).split('\n')[4]).toBe(path);
  });

  it('hashes a UTF-8 body over its UTF-8 bytes; string and byte forms agree', () => {
    const body = '{"memo":"Café ☕ 🍰 – €"}';
    const bytes = new TextEncoder().encode(body);
    const fromString = canonicalRequest({ ...parts, method: 'POST', body });
    const fromBytes = canonicalRequest({ ...parts, method: 'POST', body: bytes });
    expect(fromString).toBe(fromBytes);
    expect(fromString.split('\n')[5]).toBe(sha(bytes));
    // a Latin-1 or UTF-16 hash would differ: the body has multi-byte characters
    expect(fromString.split('\n')[5]).not.toBe(sha(Buffer.from(body, 'latin1')));
  });

  it('hashes a body with whitespace and CRLF as-is (never re-serialised)', () => {
    const body = '{\r\n  "a" : 1\r\n}\r\n';
    expect(canonicalRequest({ ...parts, method: 'POST', body }).split('\n')[5]).toBe(sha(body));
    expect(sha(body)).not.toBe(sha(JSON.stringify(JSON.parse(body))));
  });

  it('writes the method uppercase', () => {
    expect(canonicalRequest({ ...parts, method: 'post' }).split('\n')[3]).toBe('POST');
  });

  it('uses the header texts verbatim (leading zeros in the timestamp are kept)', () => {
    expect(canonicalRequest({ ...parts, timestamp: '01706500000' }).split('\n')[1]).toBe('01706500000');
  });
});

describe('canonicalResponse (§3.7)', () => {
  it('is ocid, timestamp, status and body hash, LF-joined', () => {
    const body = '{"orderId":"ord_abc123","status":"pending"}';
    expect(canonicalResponse({ ocid: '500', timestamp: '1706500001', status: 200, body })).toBe(`500\n1706500001\n200\n${sha(body)}`);
  });

  it('an empty response body hashes as the empty string', () => {
    expect(canonicalResponse({ ocid: '500', timestamp: '1', status: 204, body: new Uint8Array() }).split('\n')[3]).toBe(sha(''));
  });
});

const ORDER = {
  id: 'ord_abc123',
  ocid: 500,
  amount: '15.00',
  currency: 'USD',
  items: [
    { id: 'item_001', name: 'Large Coffee', quantity: 2, price: '5.00' },
    { id: 'item_002', name: 'Croissant', quantity: 1, price: '5.00' },
  ],
  createdAt: 1706313600,
  expiresAt: 1706400000,
  accepts: [100, 101, 102],
};

describe('canonicalOrder (§4.2, PROFILE §3)', () => {
  it('documented form is exactly JSON.stringify(order, Object.keys(order).sort())', () => {
    expect(canonicalOrder(ORDER)).toBe(JSON.stringify(ORDER, Object.keys(ORDER).sort()));
  });

  it('documented form drops nested item fields other than id (name, quantity, price are not signed)', () => {
    const c = canonicalOrder(ORDER, 'documented');
    expect(c).toContain('"items":[{"id":"item_001"},{"id":"item_002"}]');
    for (const dropped of ['name', 'quantity', 'price', 'Large Coffee']) expect(c).not.toContain(dropped);
  });

  it('documented form: two orders differing only in item quantity have the same canonical string', () => {
    const other = { ...ORDER, items: [{ ...ORDER.items[0]!, quantity: 99 }, ORDER.items[1]!] };
    expect(canonicalOrder(other)).toBe(canonicalOrder(ORDER));
  });

  it('documented form keeps an item key that is also a top-level key, and writes an item without id as {}', () => {
    const quirk = { ...ORDER, items: [{ id: 'a', amount: '9.00', name: 'x' }, { name: 'no id' }] };
    expect(canonicalOrder(quirk)).toContain('"items":[{"amount":"9.00","id":"a"},{}]');
  });

  it('documented form sorts top-level keys and keeps reference and memo', () => {
    const c = canonicalOrder({ ...ORDER, reference: 'store-42', memo: 'Table 5' });
    expect(c.indexOf('"memo"')).toBeLessThan(c.indexOf('"ocid"'));
    expect(c.endsWith('"ocid":500,"reference":"store-42"}')).toBe(true);
  });

  it('jcs form sorts keys at every depth and keeps every item field', () => {
    expect(canonicalOrder(ORDER, 'jcs')).toContain(
      '"items":[{"id":"item_001","name":"Large Coffee","price":"5.00","quantity":2},{"id":"item_002","name":"Croissant","price":"5.00","quantity":1}]',
    );
  });

  it('jcs form: a changed item quantity changes the canonical string', () => {
    const other = { ...ORDER, items: [{ ...ORDER.items[0]!, quantity: 3 }, ORDER.items[1]!] };
    expect(canonicalOrder(other, 'jcs')).not.toBe(canonicalOrder(ORDER, 'jcs'));
  });

  it('defaults to the documented form', () => {
    expect(canonicalOrder(ORDER)).toBe(canonicalOrder(ORDER, 'documented'));
    expect(canonicalOrder(ORDER)).not.toBe(canonicalOrder(ORDER, 'jcs'));
  });
});

const PROOF = {
  txid: 'gateway_tx_456',
  issuer: 100,
  from: { ocid: 200, reference: 'wallet_tx_123' },
  to: { ocid: 500, reference: 'ord_abc123' },
  amount: '15.00',
  currency: 'USD',
  timestamp: 1706500500,
  memo: 'Payment for ord_abc123',
};

describe('canonicalProof (§5.2)', () => {
  it('form A (replacer) writes from and to as {}', () => {
    expect(canonicalProof(PROOF, 'A')).toBe(
      '{"amount":"15.00","currency":"USD","from":{},"issuer":100,"memo":"Payment for ord_abc123","timestamp":1706500500,"to":{},"txid":"gateway_tx_456"}',
    );
  });

  it('form B (sorted at all levels) covers from and to', () => {
    expect(canonicalProof(PROOF, 'B')).toBe(
      '{"amount":"15.00","currency":"USD","from":{"ocid":200,"reference":"wallet_tx_123"},"issuer":100,"memo":"Payment for ord_abc123","timestamp":1706500500,"to":{"ocid":500,"reference":"ord_abc123"},"txid":"gateway_tx_456"}',
    );
  });

  it('form A does not see a changed recipient; form B does', () => {
    const redirected = { ...PROOF, to: { ocid: 666, reference: 'ord_abc123' } };
    expect(canonicalProof(redirected, 'A')).toBe(canonicalProof(PROOF, 'A'));
    expect(canonicalProof(redirected, 'B')).not.toBe(canonicalProof(PROOF, 'B'));
  });
});

describe('canonicalConfig (§6.4)', () => {
  it('documented form: settlement serialises as {}', () => {
    const config = {
      publicKey: 'ab'.repeat(64),
      endpoint: 'https://pay.shop.example/opencharge',
      capabilities: ['orders.create', 'orders.status', 'transfer.webhook'],
      settlement: { currencies: ['USD'], accepts: [100, 101] },
    };
    expect(canonicalConfig(config)).toBe(
      `{"capabilities":["orders.create","orders.status","transfer.webhook"],"endpoint":"https://pay.shop.example/opencharge","publicKey":"${'ab'.repeat(64)}","settlement":{}}`,
    );
  });
});

describe('canonicalSorted / canonicalTopLevel', () => {
  it('canonicalSorted keeps array order, drops undefined object values, keeps null, adds no whitespace', () => {
    expect(canonicalSorted({ b: [3, 1, { z: 1, a: null }], a: undefined, c: 'é' })).toBe('{"b":[3,1,{"a":null,"z":1}],"c":"é"}');
  });

  it('canonicalSorted writes non-ASCII as raw UTF-8, not \\u escapes', () => {
    expect(canonicalSorted({ m: 'Café ☕' })).toBe('{"m":"Café ☕"}');
  });

  it('canonicalTopLevel applies the top-level key list as an allowlist at every depth', () => {
    expect(canonicalTopLevel({ b: { a: 1, x: 2 }, a: [{ b: 1, y: 2 }] })).toBe('{"a":[{"b":1}],"b":{"a":1}}');
  });
});
