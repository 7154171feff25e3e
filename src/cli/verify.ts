// `verify`: rebuilds a canonical request and prints it, its SHA-256 and the verdict with its reason; exit 0 valid, 1 not.
import { parsePublicKey } from '../protocol/keys.ts';
import { verifyCanonical } from '../protocol/signature.ts';
import { defineCommand, UsageError } from './args.ts';
import { backendFrom, CANONICAL_OPTIONS, printCanonical, readCanonical } from './sign.ts';

export const run = defineCommand(
  {
    name: 'verify',
    summary: `Verifies a signature over a canonical request exactly as the server does (docs/profile.md §1:
130 hex with v in 0/1/27/28 or 128 hex; low-S only) and prints the canonical request in the
layout of \`sign\`, then the verdict with its reason.`,
    options: {
      'public-key': { type: 'string', value: 'HEX', description: '128 hex x‖y, 130 hex with 04, or 66 hex compressed; optional 0x' },
      signature: { type: 'string', value: 'HEX', description: 'the X-OC-Signature value' },
      ...CANONICAL_OPTIONS,
    },
    notes: 'Exit status: 0 valid, 1 invalid, 2 bad invocation.',
    examples: ['opencharge-merchant verify --public-key <hex> --signature <hex> --ocid 200 --timestamp 1706500000 --nonce req_abc123 --method GET --path /opencharge/capabilities'],
  },
  ({ values: v }, io) => {
    if (v['public-key'] === undefined) throw new UsageError('missing --public-key');
    if (v.signature === undefined) throw new UsageError('missing --signature');
    const key = parsePublicKey(v['public-key']);
    if (!key.ok) throw new UsageError(`--public-key: ${key.reason}`);
    const input = readCanonical(v, io);
    const { backend } = backendFrom(v, io);
    printCanonical(io, input);
    const result = verifyCanonical(backend, key.key, input.canonical, v.signature);
    io.out(result.valid ? 'verdict:     valid' : `verdict:     invalid (${result.reason})`);
    return result.valid ? 0 : 1;
  },
);
