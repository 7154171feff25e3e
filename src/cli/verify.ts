// `verify`: rebuilds a canonical request and prints it, its SHA-256 and the verdict with its reason; exit 0 valid, 1 not.
import { parsePublicKey } from '../protocol/keys.ts';
import { verifyCanonical } from '../protocol/signature.ts';
import type { Command } from './io.ts';
import { backendFrom, CANONICAL_FLAGS, CANONICAL_HELP, printCanonical, readCanonical, readFlags, UsageError, withUsage } from './sign.ts';

const HELP = `usage: opencharge-merchant verify --public-key <hex> --signature <hex> <canonical request>

Verifies a signature over a canonical request exactly as the server does (PROFILE §1:
130 hex with v in 0/1/27/28 or 128 hex; low-S only) and prints the verdict with its reason.
Exit status: 0 valid, 1 invalid, 2 bad invocation.

  --public-key <hex>      128 hex x‖y, 130 hex with 04, or 66 hex compressed; optional 0x
  --signature <hex>       the X-OC-Signature value

${CANONICAL_HELP}`;

export const run: Command = async (args, io) =>
  withUsage(io, 'verify', HELP, () => {
    const flags = readFlags(args, [...CANONICAL_FLAGS, 'public-key', 'signature']);
    if (flags.help) {
      io.out(HELP);
      return 0;
    }
    if (flags['public-key'] === undefined) throw new UsageError('missing --public-key');
    if (flags.signature === undefined) throw new UsageError('missing --signature');
    const key = parsePublicKey(flags['public-key']);
    if (!key.ok) throw new UsageError(`--public-key: ${key.reason}`);
    const input = readCanonical(flags, io);
    const { backend } = backendFrom(flags, io);
    printCanonical(io, input);
    const result = verifyCanonical(backend, key.key, input.canonical, flags.signature);
    io.out(result.valid ? 'verdict:     valid' : `verdict:     invalid (${result.reason})`);
    return result.valid ? 0 : 1;
  });
