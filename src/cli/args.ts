// Every command's declared options on node:util parseArgs (strict): typed values, generated --help, "did you mean" on typos.
import { parseArgs } from 'node:util';
import type { CliIO, Command } from './io.ts';
import { closest } from '../suggest.ts';

/** Bad invocation: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in the help (`--ocid N`). */
  value?: string;
  description: string;
  /** Turns the text into a typed value; throws (any Error) with the reason, which is prefixed with the option. */
  parse?: (text: string) => unknown;
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface CommandSpec<O extends OptionSpecs> {
  /** As typed after `opencharge-merchant` (`conformance keys`). */
  name: string;
  /** Positional placeholders shown in the usage line (`METHOD PATH`, `[<order-id>]`). */
  args?: string;
  /** Smallest and largest number of positionals (default none). */
  positionals?: [min: number, max: number];
  summary: string;
  options: O;
  /** Free text printed after the options (exit codes, formats). */
  notes?: string;
  examples: string[];
}

type ValueOf<S extends OptionSpec> = S extends { parse: (t: string) => infer T } ? T : S['type'] extends 'boolean' ? boolean : string;
export type Values<O extends OptionSpecs> = { [K in keyof O]?: ValueOf<O[K]> };

export interface Parsed<O extends OptionSpecs> {
  values: Values<O>;
  positionals: string[];
}

const HELP_OPTION: OptionSpec = { type: 'boolean', description: 'print this help' };

function usageLine<O extends OptionSpecs>(spec: CommandSpec<O>): string {
  return `usage: opencharge-merchant ${spec.name}${spec.args ? ` ${spec.args}` : ''}${Object.keys(spec.options).length ? ' [options]' : ''}`;
}

function helpText<O extends OptionSpecs>(spec: CommandSpec<O>): string {
  const rows = Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]) => [`${name === 'help' ? '-h, ' : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.description] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const options = rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text.replaceAll('\n', `\n  ${' '.repeat(width)}`)}`);
  return [
    usageLine(spec),
    '',
    spec.summary,
    '',
    'options:',
    ...options,
    ...(spec.notes ? ['', spec.notes] : []),
    '',
    spec.examples.length > 1 ? 'examples:' : 'example:',
    ...spec.examples.map((e) => `  ${e}`),
  ].join('\n');
}

/** A readable reason for a strict-mode failure, found by re-reading the arguments leniently. */
function explain(options: OptionSpecs, args: string[], err: Error): string {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const o = options[t.name];
    if (!o) {
      const hint = t.rawName.startsWith('--') ? closest(t.name, Object.keys(options)) : undefined;
      return `unknown option ${t.rawName}${hint ? ` (did you mean --${hint}?)` : ''}`;
    }
    if (o.type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value`;
    if (o.type === 'string' && t.value === undefined) return `${t.rawName} needs a value`;
    if (o.type === 'string' && !t.inlineValue && t.value?.startsWith('-'))
      return `${t.rawName} needs a value (got the option-like '${t.value}'; write ${t.rawName}=${t.value} to pass it as the value)`;
  }
  return err.message;
}

/** Strict parse of `args` against the spec; throws UsageError on anything undeclared, untyped or miscounted. */
function parseCommand<O extends OptionSpecs>(spec: CommandSpec<O>, args: string[]): Parsed<O> & { help: boolean } {
  const options: OptionSpecs = { ...spec.options, help: HELP_OPTION };
  const config = Object.fromEntries(Object.entries(options).map(([k, o]) => [k, k === 'help' ? { type: o.type, short: 'h' } : { type: o.type }]));
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: config, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(explain(config as OptionSpecs, args, err as Error));
  }
  const help = parsed.values.help === true;
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(parsed.values)) {
    if (name === 'help' || raw === undefined) continue;
    const parse = spec.options[name]?.parse;
    try {
      values[name] = parse && typeof raw === 'string' ? parse(raw) : raw;
    } catch (err) {
      throw new UsageError(`--${name}: ${(err as Error).message}`);
    }
  }
  const [min, max] = spec.positionals ?? [0, 0];
  if (!help && parsed.positionals.length > max) throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`);
  if (!help && parsed.positionals.length < min) throw new UsageError(`missing ${spec.args ?? 'arguments'}`);
  return { values: values as Values<O>, positionals: parsed.positionals, help };
}

/** A command from its spec: --help prints the help (exit 0), a UsageError prints the reason and the usage (exit 2). */
export function defineCommand<O extends OptionSpecs>(spec: CommandSpec<O>, body: (parsed: Parsed<O>, io: CliIO) => Promise<number> | number): Command {
  return async (args, io) => {
    try {
      const parsed = parseCommand(spec, args);
      if (parsed.help) {
        io.out(helpText(spec));
        return 0;
      }
      return await body(parsed, io);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      io.err(`${spec.name}: ${err.message}\n${usageLine(spec)}\nrun 'opencharge-merchant ${spec.name} --help' for every option and an example`);
      return 2;
    }
  };
}

// Typed values shared by several commands.

export function positiveInt(text: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) throw new Error(`must be a positive integer, got '${text}'`);
  return Number(text);
}

export function port(text: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 65535)) throw new Error(`must be a port number from 0 to 65535, got '${text}'`);
  return n;
}

export function httpUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`must be an http(s) URL, got '${text}'`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`must be an http(s) URL, got '${text}'`);
  return text.replace(/\/+$/, '');
}

export function oneOf<T extends string>(...choices: T[]): (text: string) => T {
  return (text) => {
    if (!(choices as string[]).includes(text)) throw new Error(`must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got '${text}'`);
    return text as T;
  };
}
