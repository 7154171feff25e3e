// Strict I-JSON (RFC 7493) parser for received bodies (PROFILE §7): one meaning for every parser, or a reason why not.

/** Deepest nesting accepted: the top-level object or array is level 1 (PROFILE §7). */
export const MAX_DEPTH = 32;

/** A JSON object (not null, not an array): the shape every parsed body and document is checked against first. */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type IJsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

class Refusal {
  constructor(readonly reason: string) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const isHigh = (u: number) => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number) => u >= 0xdc00 && u <= 0xdfff;
/** A member name as shown in a reason: JSON-quoted, cut to 40 characters (a reason must stay short). */
const label = (key: string) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);

/**
 * Parses RFC 8259 JSON and refuses what I-JSON forbids: duplicate member names (compared after
 * unescaping, at any depth), lone surrogates (raw or escaped), numbers beyond the double range and
 * nesting deeper than MAX_DEPTH. Recursion is bounded by MAX_DEPTH, so no input can overflow the stack.
 * Values are what JSON.parse would build; a `__proto__` member is an own property, as with JSON.parse.
 */
export function parseIJson(text: string): IJsonResult {
  let i = 0;
  const path: string[] = ['$'];
  const fail = (what: string, at = i): never => {
    throw new Refusal(`${what} at ${path.join('')} (offset ${at})`);
  };
  const ws = () => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = text.charCodeAt(++i));
  };
  const hex4 = (at: number): number => {
    const h = text.slice(at, at + 4);
    if (!HEX4.test(h)) fail('invalid \\u escape', at - 2);
    return parseInt(h, 16);
  };

  const string = (): string => {
    const start = i++; // the opening quote
    let out = '';
    let run = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(run, i++);
        return out;
      }
      if (c < 0x20) fail('unescaped control character in a string');
      if (c === 0x5c) {
        out += text.slice(run, i);
        const e = text[i + 1];
        if (e === 'u') {
          const unit = hex4(i + 2);
          i += 6;
          if (isLow(unit)) fail('lone low surrogate escape', i - 6);
          if (isHigh(unit)) {
            const low = text.startsWith('\\u', i) ? hex4(i + 2) : -1;
            if (!isLow(low)) fail('lone high surrogate escape', i - 6);
            out += String.fromCharCode(unit, low);
            i += 6;
          } else out += String.fromCharCode(unit);
        } else {
          const ch = e === undefined ? undefined : ESCAPES[e];
          if (ch === undefined) fail('invalid escape in a string');
          out += ch;
          i += 2;
        }
        run = i;
        continue;
      }
      if (isLow(c)) fail('lone low surrogate');
      if (isHigh(c)) {
        if (!isLow(text.charCodeAt(i + 1))) fail('lone high surrogate');
        i++;
      }
      i++;
    }
  };

  const value = (depth: number): unknown => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
      return c === '{' ? object(depth + 1) : array(depth + 1);
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) fail(i >= text.length ? 'unexpected end of text' : 'unexpected character');
    const n = Number(m![0]);
    if (!Number.isFinite(n)) fail('number out of the IEEE 754 double range');
    i += m![0].length;
    return n;
  };

  const object = (depth: number): Record<string, unknown> => {
    i++;
    const obj: Record<string, unknown> = {};
    ws();
    if (text[i] === '}') return i++, obj;
    for (;;) {
      ws();
      if (text[i] !== '"') fail('expected a member name');
      const at = i;
      const key = string();
      if (Object.hasOwn(obj, key)) fail(`duplicate member name ${label(key)}`, at);
      ws();
      if (text[i] !== ':') fail("expected ':'");
      i++;
      path.push(`[${label(key)}]`);
      const v = value(depth);
      path.pop();
      // Plain assignment of '__proto__' would set the prototype instead of a member.
      Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === '}') return i++, obj;
      else fail("expected ',' or '}'");
    }
  };

  const array = (depth: number): unknown[] => {
    i++;
    const arr: unknown[] = [];
    ws();
    if (text[i] === ']') return i++, arr;
    for (;;) {
      path.push(`[${arr.length}]`);
      arr.push(value(depth));
      path.pop();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === ']') return i++, arr;
      else fail("expected ',' or ']'");
    }
  };

  try {
    const v = value(0);
    ws();
    if (i < text.length) fail('unexpected text after the JSON value');
    return { ok: true, value: v };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, reason: err.reason };
    throw err;
  }
}
