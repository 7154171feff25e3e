// `sign`: builds a canonical request (or reads one) and prints its parts, the string JSON-escaped, its SHA-256 and the signature.
import { selectBackend, type SelectedBackend } from '../crypto/select.ts';
import { canonicalRequest, canonicalRequestView } from '../protocol/canonical.ts';
import { parseAuthHeaders } from '../protocol/headers.ts';
import { sha256Hex } from '../protocol/hex.ts';
import { parsePrivateKey, publicKeyHex } from '../protocol/keys.ts';
import { signCanonical } from '../protocol/signature.ts';
import { defineCommand, oneOf, UsageError, type OptionSpecs, type Values } from './args.ts';
import { formatRows, rowsOf, rowsOfCanonical, type Rows } from './canonical-view.ts';
import type { CliIO } from './io.ts';
import { keyFromFile, readFileArg } from './peer-identity.ts';

const PARTS = ['ocid', 'timestamp', 'nonce', 'method', 'path'] as const;
const BACKENDS = ['auto', 'noble', 'native'] as const;

/** The canonical-request options shared by `sign` and `verify`. */
export const CANONICAL_OPTIONS = {
  ocid: { type: 'string', value: 'N', description: 'X-OC-ID' },
  timestamp: { type: 'string', value: 'SECONDS', description: 'X-OC-Timestamp (Unix seconds)' },
  nonce: { type: 'string', value: 'TEXT', description: 'X-OC-Nonce' },
  method: { type: 'string', value: 'METHOD', description: 'GET, POST…' },
  path: { type: 'string', value: 'TARGET', description: 'the request-target: base path + path + ?query, verbatim' },
  body: { type: 'string', value: 'TEXT', description: 'the raw body (default: empty)' },
  'body-file': { type: 'string', value: 'PATH', description: 'the raw body bytes from a file' },
  'canonical-file': { type: 'string', value: 'PATH', description: 'a complete canonical string, used byte for byte, instead of the parts' },
  crypto: { type: 'string', value: 'BACKEND', parse: oneOf(...BACKENDS), description: 'secp256k1 backend: auto, noble or native (default: $OC_CRYPTO or auto)' },
} satisfies OptionSpecs;

type CanonicalValues = Values<typeof CANONICAL_OPTIONS>;

export interface CanonicalInput {
  canonical: string;
  /** The parts in the layout `request` and the server's INVALID_SIGNATURE details use. */
  rows: Rows;
  /** Why a server would refuse these parts before checking the signature (PROFILE §2 step 1). */
  warnings: string[];
}

/** The canonical string from --canonical-file or from its parts. */
export function readCanonical(v: CanonicalValues, io: CliIO): CanonicalInput {
  if (v['canonical-file'] !== undefined) {
    const mixed = [...PARTS, 'body', 'body-file'].filter((f) => v[f as keyof CanonicalValues] !== undefined);
    if (mixed.length > 0) throw new UsageError(`--canonical-file cannot be combined with --${mixed[0]}`);
    const canonical = readFileArg(io, v['canonical-file']).toString('utf8');
    const warnings = canonical.endsWith('\n') ? ['the canonical file ends with a newline; a canonical string has none (used as is)'] : [];
    return { canonical, rows: rowsOfCanonical(canonical), warnings };
  }
  const missing = PARTS.filter((p) => v[p] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((p) => `--${p}`).join(', ')} (or give --canonical-file)`);
  if (v.body !== undefined && v['body-file'] !== undefined) throw new UsageError('give --body or --body-file, not both');
  const body = v['body-file'] !== undefined ? readFileArg(io, v['body-file']) : (v.body ?? '');
  const parts = { ocid: v.ocid!, timestamp: v.timestamp!, nonce: v.nonce!, method: v.method!, path: v.path!, body };
  return { canonical: canonicalRequest(parts), rows: rowsOf(canonicalRequestView(parts)), warnings: partWarnings(parts) };
}

function partWarnings(p: { ocid: string; timestamp: string; nonce: string; method: string; path: string }): string[] {
  const headers: Record<string, string> = { 'x-oc-id': p.ocid, 'x-oc-timestamp': p.timestamp, 'x-oc-nonce': p.nonce, 'x-oc-signature': '0'.repeat(130) };
  const check = parseAuthHeaders((name) => headers[name]);
  const out = check.ok ? [] : [check.reason];
  if (!/^[A-Za-z]+$/.test(p.method)) out.push('--method must be an HTTP method name');
  if (!p.path.startsWith('/') || /\s/.test(p.path)) out.push('--path must be a request-target starting with / and without whitespace');
  return out;
}

export function backendFrom(v: CanonicalValues, io: CliIO): SelectedBackend {
  if (v.crypto) return selectBackend(v.crypto);
  const env = io.env.OC_CRYPTO ?? 'auto';
  if (!(BACKENDS as readonly string[]).includes(env)) throw new UsageError(`OC_CRYPTO must be auto, noble or native, got '${env}'`);
  return selectBackend(env as (typeof BACKENDS)[number]);
}

/** The private key from --key, --key-file (hex or .env) or $OC_PRIVATE_KEY; never echoed. */
function readKey(v: { key?: string; 'key-file'?: string }, io: CliIO): Uint8Array {
  if (v.key !== undefined && v['key-file'] !== undefined) throw new UsageError('give --key or --key-file, not both');
  const text = v.key ?? (v['key-file'] !== undefined ? keyFromFile(io, v['key-file']) : io.env.OC_PRIVATE_KEY);
  if (text === undefined) throw new UsageError('no key: give --key, --key-file or set OC_PRIVATE_KEY');
  const key = parsePrivateKey(text);
  if (!key.ok) throw new UsageError(key.reason);
  return key.key;
}

export function printCanonical(io: CliIO, input: CanonicalInput): void {
  for (const w of input.warnings) io.err(`warning: ${w} (a server following docs/profile.md §2 answers 401 INVALID_SIGNATURE)`);
  io.out('canonical request:');
  for (const line of formatRows(input.rows)) io.out(line);
  io.out(`canonical:   ${JSON.stringify(input.canonical)}`);
  io.out(`sha256:      ${sha256Hex(input.canonical)}`);
}

export const run = defineCommand(
  {
    name: 'sign',
    summary: `Signs a canonical request and prints its parts (the layout the server sends back in an
INVALID_SIGNATURE answer's details, and \`request\` prints), the canonical string JSON-escaped
(so the newlines show), its SHA-256 and the signature (130 hex r‖s‖v, low-S, RFC 6979).
Canonical request (docs/profile.md §2): ocid\\ntimestamp\\nnonce\\nMETHOD\\npath\\nsha256hex(body).`,
    options: {
      key: { type: 'string', value: 'HEX', description: 'the 64-hex private key (visible in shell history and ps: prefer the next two)' },
      'key-file': { type: 'string', value: 'PATH', description: 'a file holding the 64-hex key, or a .env with OC_PRIVATE_KEY=\n(neither: OC_PRIVATE_KEY from the environment)' },
      ...CANONICAL_OPTIONS,
    },
    examples: ['opencharge-merchant sign --key-file .env --ocid 200 --timestamp 1706500000 --nonce req_def456 --method POST --path /opencharge/orders/create --body-file body.json'],
  },
  ({ values: v }, io) => {
    const key = readKey(v, io);
    const input = readCanonical(v, io);
    const { backend } = backendFrom(v, io);
    printCanonical(io, input);
    io.out(`signature:   ${signCanonical(backend, key, input.canonical)}`);
    io.out(`public key:  ${publicKeyHex(backend.publicKey(key))}`);
    return 0;
  },
);
