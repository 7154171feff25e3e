// The strict I-JSON parser (PROFILE §7): what JSON.parse accepts it builds the same, and it refuses what I-JSON forbids.
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, parseIJson } from '../../src/protocol/i-json.ts';

const nested = (levels: number, inner = '1') => '['.repeat(levels) + inner + ']'.repeat(levels);
const nestedObjects = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

function refused(text: string): string {
  const r = parseIJson(text);
  if (r.ok) throw new Error(`accepted: ${text.slice(0, 80)}`);
  return r.reason;
}

describe('parseIJson accepts JSON and builds what JSON.parse builds', () => {
  const samples = [
    '{}',
    '[]',
    ' \t\r\n{"a" : [1, -2.5e3, 0, 0.125, 1E-2, true, false, null, "x"] } \n',
    '"plain"',
    '123',
    '{"amount":"1.00","currency":"USD","items":[{"id":"c","quantity":3}]}',
    '"escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20AC"',
    '"\\ud83d\\ude00 and a raw 😀 pair"',
    '{"a":{"a":{"a":1}},"b":[{"a":2},{"a":3}]}',
    '{"":1,"constructor":2,"toString":3,"hasOwnProperty":4}',
  ];
  it.each(samples)('%s', (text) => {
    expect(parseIJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('keeps __proto__ as an own member, like JSON.parse, without touching the prototype', () => {
    const r = parseIJson('{"__proto__":{"polluted":true},"a":1}');
    expect(r.ok).toBe(true);
    const v = (r as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    expect((v as { polluted?: boolean }).polluted).toBeUndefined();
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(v).toEqual(JSON.parse('{"__proto__":{"polluted":true},"a":1}'));
  });
});

describe('duplicate member names are refused', () => {
  it('at the top level (today the last wins: a 2.00 order)', () => {
    expect(refused('{"amount":"1.00","currency":"USD","amount":"2.00"}')).toMatch(/duplicate member name "amount" at \$ \(offset 34\)/);
  });
  it('at any depth, naming where', () => {
    expect(refused('{"proof":{"to":{"ocid":500,"ocid":777}}}')).toMatch(/duplicate member name "ocid" at \$\["proof"\]\["to"\]/);
    expect(refused('[[{"a":1}],[{"b":1,"b":2}]]')).toMatch(/duplicate member name "b" at \$\[1\]\[0\]/);
  });
  it('__proto__ twice', () => {
    expect(refused('{"__proto__":1,"__proto__":2}')).toMatch(/duplicate member name "__proto__"/);
  });
  it('names equal after unescaping ("a" and "\\u0061")', () => {
    expect(refused('{"a":1,"\\u0061":2}')).toMatch(/duplicate member name "a"/);
    expect(refused('{"\\/x":1,"/x":2}')).toMatch(/duplicate member name "\/x"/);
  });
  it('the same name in sibling objects is fine', () => {
    expect(parseIJson('{"x":{"a":1},"y":{"a":2}}').ok).toBe(true);
  });
});

describe('nesting', () => {
  it(`${MAX_DEPTH} levels are accepted, ${MAX_DEPTH + 1} refused (arrays)`, () => {
    expect(parseIJson(nested(32))).toEqual({ ok: true, value: JSON.parse(nested(32)) });
    expect(refused(nested(33))).toMatch(/nesting deeper than 32 levels/);
  });
  it(`${MAX_DEPTH} levels are accepted, ${MAX_DEPTH + 1} refused (objects)`, () => {
    expect(parseIJson(nestedObjects(32)).ok).toBe(true);
    expect(refused(nestedObjects(33))).toMatch(/nesting deeper than 32 levels/);
  });
  it('5,000 and 1,000,000 levels are refused without a stack overflow', () => {
    expect(refused(nested(5000))).toMatch(/nesting deeper than 32/);
    expect(refused('['.repeat(1_000_000))).toMatch(/nesting deeper than 32/);
  });
});

describe('surrogates', () => {
  it('escaped and raw pairs are accepted', () => {
    expect(parseIJson('"\\uD83D\\uDE00"')).toEqual({ ok: true, value: '😀' });
    expect(parseIJson('"😀"')).toEqual({ ok: true, value: '😀' });
  });
  it('a lone high surrogate is refused (escaped, at the end, before another escape, raw)', () => {
    expect(refused('"\\ud800"')).toMatch(/lone high surrogate escape/);
    expect(refused('"\\ud800x"')).toMatch(/lone high surrogate escape/);
    expect(refused('"\\ud800\\u0041"')).toMatch(/lone high surrogate escape/);
    expect(refused('"\\ud800\\ud800"')).toMatch(/lone high surrogate escape/);
    expect(refused('"\ud800"')).toMatch(/lone high surrogate/);
    expect(refused('{"\\ud800":1}')).toMatch(/lone high surrogate escape/);
  });
  it('a lone low surrogate is refused (escaped, raw)', () => {
    expect(refused('"\\udc00"')).toMatch(/lone low surrogate escape/);
    expect(refused('"\udc00"')).toMatch(/lone low surrogate/);
    expect(refused('"\\ud83d\udc00"')).toMatch(/lone high surrogate escape/);
  });
});

describe('everything JSON.parse refuses is refused too, with a reason', () => {
  it.each([
    ['', /unexpected end of text/],
    ['{', /expected a member name/],
    ['{"a" 1}', /expected ':'/],
    ['{"a":1,}', /expected a member name/],
    ['[1,]', /unexpected character/],
    ['[1 2]', /expected ',' or '\]'/],
    ['{"a":1 "b":2}', /expected ',' or '}'/],
    ['{a:1}', /expected a member name/],
    ['"abc', /unterminated string/],
    ['"a\nb"', /unescaped control character/],
    ['"\\x"', /invalid escape/],
    ['"\\u12"', /invalid \\u escape/],
    ['01', /unexpected text after the JSON value/],
    ['{} {}', /unexpected text after the JSON value/],
    ['NaN', /unexpected character/],
    ["'a'", /unexpected character/],
    ['\ufeff{}', /unexpected character/],
    ['1e400', /number out of the IEEE 754 double range/],
  ])('%j', (text, reason) => {
    expect(refused(text)).toMatch(reason);
  });
});
