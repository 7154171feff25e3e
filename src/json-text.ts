// Parses a JSON file's text; a syntax error names the file, the line and column and what was expected, on every runtime.

/** Thrown for text that is not JSON; the message is `<source> is not valid JSON: line L, column C: <reason>`. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    source: string,
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`${source} is not valid JSON: line ${line}, column ${column}: ${reason}`);
  }
}

/** JSON.parse, but a failure says where (V8 gives an offset, JavaScriptCore under Bun gives none). A leading BOM is allowed. */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (err) {
    const at = findSyntaxError(body) ?? { offset: 0, reason: (err as Error).message };
    const before = body.slice(0, at.offset).split('\n');
    throw new JsonSyntaxError(source, before.length, before[before.length - 1]!.length + 1, at.reason);
  }
}

interface Failure {
  offset: number;
  reason: string;
}

class Stop {
  constructor(readonly failure: Failure) {}
}

/** The first offset where `text` stops being JSON (RFC 8259), or undefined when it is JSON. */
export function findSyntaxError(text: string): Failure | undefined {
  let i = 0;
  const fail = (reason: string): never => {
    throw new Stop({ offset: i, reason });
  };
  const here = () => (i < text.length ? `'${text[i]}'` : 'the end of the file');
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string (a " is missing)');
      else if (c === '"') return void i++;
      else if (c === '\\') {
        if (/^u[0-9a-fA-F]{4}/.test(text.slice(i + 1, i + 6))) i += 6;
        else if ('"\\/bfnrt'.includes(text[i + 1] ?? 'x')) i += 2;
        else fail('invalid escape in a string (use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)');
      } else if (c < ' ') fail('control character in a string (write a line break as \\n)');
      else i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') return members('}', () => {
      if (text[i] !== '"') fail(`expected a property name in double quotes, found ${here()}${text[i] === '}' ? ' (a trailing comma?)' : ''}`);
      string();
      space();
      if (text[i] !== ':') fail(`expected ':' after the property name, found ${here()}`);
      i++;
      value();
    });
    if (c === '[') return members(']', value);
    if (c === '"') return string();
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = i;
    if (c !== undefined && /[-0-9]/.test(c)) return number.test(text) ? void (i = number.lastIndex) : fail('invalid number');
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, i)) return void (i += word.length);
    fail(`expected a value, found ${here()}`);
  };
  const members = (close: string, member: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      space();
      if (close === ']' && text[i] === ']') fail("expected a value, found ']' (a trailing comma?)");
      member();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail(`expected ',' or '${close}', found ${here()}`);
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail(`unexpected ${here()} after the JSON value`);
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return err.failure;
    throw err;
  }
}
