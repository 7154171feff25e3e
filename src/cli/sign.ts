// `sign`: builds a canonical request (or reads one) and prints it JSON-escaped, its SHA-256 and the 130-hex signature.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { selectBackend, type CryptoChoice, type SelectedBackend } from '../crypto/select.ts';
import { canonicalRequest } from '../protocol/canonical.ts';
import { parseAuthHeaders } from '../protocol/headers.ts';
import { sha256Hex } from '../protocol/hex.ts';
import { parsePrivateKey, publicKeyHex } from '../protocol/keys.ts';
import { signCanonical } from '../protocol/signature.ts';
import { parseFlags, type CliIO, type Command } from './io.ts';

/** Bad invocation: printed with the usage, exit code 2. */
export class UsageError extends Error {}

const PARTS = ['ocid', 'timestamp', 'nonce', 'method', 'path'] as const;
/** Flags shared by `sign` and `verify`. */
export const CANONICAL_FLAGS = [...PARTS, 'body', 'body-file', 'canonical-file', 'crypto'];

export const CANONICAL_HELP = `canonical request (PROFILE §2, opencharge.md §3.2), either from its parts:
  --ocid <n>  --timestamp <unix seconds>  --nonce <text>  --method <GET|POST…>
  --path <request-target: base path + path + ?query, verbatim>
  --body <string> | --body-file <path>   the raw body bytes (default: empty)
or complete:
  --canonical-file <path>                a canonical string, used byte for byte
  --crypto auto|noble|native             secp256k1 backend (default: $OC_CRYPTO or auto)`;

const HELP = `usage: opencharge-merchant sign [key] <canonical request>

Signs a canonical request and prints the canonical string (JSON-escaped, so the
newlines show), its SHA-256 and the signature (130 hex r‖s‖v, low-S, RFC 6979).

key (one of):
  --key <64 hex>          visible in shell history and ps: prefer the next two
  --key-file <path>       a file holding the 64-hex key, or a .env with OC_PRIVATE_KEY=
  (neither)               OC_PRIVATE_KEY from the environment

${CANONICAL_HELP}`;

/** Parses flags, rejecting unknown ones and positionals (a typo must not sign something else). */
export function readFlags(args: string[], allowed: readonly string[]): Record<string, string> {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(args, ['help']);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const unknown = Object.keys(parsed.flags).filter((f) => f !== 'help' && !allowed.includes(f));
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.map((f) => `--${f}`).join(', ')}`);
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument '${parsed.positional[0]}'`);
  return parsed.flags;
}

export interface CanonicalInput {
  canonical: string;
  /** Present when built from parts. */
  bodySha256?: string;
  /** Why a server would refuse these parts before checking the signature (PROFILE §2 step 1). */
  warnings: string[];
}

function readFile(io: CliIO, path: string): Buffer {
  try {
    return readFileSync(resolve(io.cwd, path));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The canonical string from --canonical-file or from its parts. */
export function readCanonical(flags: Record<string, string>, io: CliIO): CanonicalInput {
  if (flags['canonical-file'] !== undefined) {
    const mixed = [...PARTS, 'body', 'body-file'].filter((f) => flags[f] !== undefined);
    if (mixed.length > 0) throw new UsageError(`--canonical-file cannot be combined with --${mixed[0]}`);
    const canonical = readFile(io, flags['canonical-file']).toString('utf8');
    const warnings = canonical.endsWith('\n') ? ['the canonical file ends with a newline; a canonical string has none (used as is)'] : [];
    return { canonical, warnings };
  }
  const missing = PARTS.filter((p) => flags[p] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((p) => `--${p}`).join(', ')} (or give --canonical-file)`);
  if (flags.body !== undefined && flags['body-file'] !== undefined) throw new UsageError('give --body or --body-file, not both');
  const body = flags['body-file'] !== undefined ? readFile(io, flags['body-file']) : (flags.body ?? '');
  const parts = { ocid: flags.ocid!, timestamp: flags.timestamp!, nonce: flags.nonce!, method: flags.method!, path: flags.path!, body };
  return { canonical: canonicalRequest(parts), bodySha256: sha256Hex(body), warnings: partWarnings(parts) };
}

function partWarnings(p: { ocid: string; timestamp: string; nonce: string; method: string; path: string }): string[] {
  const headers: Record<string, string> = { 'x-oc-id': p.ocid, 'x-oc-timestamp': p.timestamp, 'x-oc-nonce': p.nonce, 'x-oc-signature': '0'.repeat(130) };
  const check = parseAuthHeaders((name) => headers[name]);
  const out = check.ok ? [] : [check.reason];
  if (!/^[A-Za-z]+$/.test(p.method)) out.push('--method must be an HTTP method name');
  if (!p.path.startsWith('/') || /\s/.test(p.path)) out.push('--path must be a request-target starting with / and without whitespace');
  return out;
}

export function backendFrom(flags: Record<string, string>, io: CliIO): SelectedBackend {
  const choice = flags.crypto ?? io.env.OC_CRYPTO ?? 'auto';
  if (choice !== 'auto' && choice !== 'noble' && choice !== 'native') throw new UsageError(`--crypto must be auto, noble or native, got '${choice}'`);
  return selectBackend(choice as CryptoChoice);
}

/** The private key from --key, --key-file (hex or .env) or $OC_PRIVATE_KEY; never echoed. */
function readKey(flags: Record<string, string>, io: CliIO): Uint8Array {
  if (flags.key !== undefined && flags['key-file'] !== undefined) throw new UsageError('give --key or --key-file, not both');
  let text = flags.key;
  if (flags['key-file'] !== undefined) {
    const file = readFile(io, flags['key-file']).toString('utf8');
    text = /^\s*OC_PRIVATE_KEY\s*=\s*["']?([^"'\s]*)/m.exec(file)?.[1] ?? file;
  }
  text ??= io.env.OC_PRIVATE_KEY;
  if (text === undefined) throw new UsageError('no key: give --key, --key-file or set OC_PRIVATE_KEY');
  const key = parsePrivateKey(text);
  if (!key.ok) throw new UsageError(key.reason);
  return key.key;
}

/** Runs a command body, turning UsageError into exit code 2 with the help text. */
export async function withUsage(io: CliIO, name: string, help: string, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${name}: ${err.message}\n\n${help}`);
    return 2;
  }
}

export function printCanonical(io: CliIO, input: CanonicalInput): void {
  for (const w of input.warnings) io.err(`warning: ${w} (a server following PROFILE §2 answers 401 INVALID_SIGNATURE)`);
  io.out(`canonical:   ${JSON.stringify(input.canonical)}`);
  if (input.bodySha256 !== undefined) io.out(`body sha256: ${input.bodySha256}`);
  io.out(`sha256:      ${sha256Hex(input.canonical)}`);
}

export const run: Command = async (args, io) =>
  withUsage(io, 'sign', HELP, () => {
    const flags = readFlags(args, [...CANONICAL_FLAGS, 'key', 'key-file']);
    if (flags.help) {
      io.out(HELP);
      return 0;
    }
    const key = readKey(flags, io);
    const input = readCanonical(flags, io);
    const { backend } = backendFrom(flags, io);
    printCanonical(io, input);
    io.out(`signature:   ${signCanonical(backend, key, input.canonical)}`);
    io.out(`public key:  ${publicKeyHex(backend.publicKey(key))}`);
    return 0;
  });
