// `keygen`: prints a new secp256k1 key pair as .env lines (private key + public key comment); warns never to commit it.
import { generatePrivateKey } from '../crypto/select.ts';
import { parsePrivateKey, publicKeyHex } from '../protocol/keys.ts';
import { nobleBackend } from '../protocol/noble.ts';
import type { Command } from './io.ts';

const HELP = `usage: opencharge-merchant keygen

Prints a new secp256k1 key pair (CSPRNG) as .env lines:
  OC_PRIVATE_KEY=<64 hex>
  # public key: <128 hex>   (publish this one in metadata.json config.publicKey)

Append it to an untracked .env or your secret store:  opencharge-merchant keygen >> .env`;

export const run: Command = async (args, io) => {
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    io.out(HELP);
    return 0;
  }
  if (args.length > 0) {
    io.err(`keygen: unexpected argument ${args[0]}\n\n${HELP}`);
    return 2;
  }
  const privateHex = generatePrivateKey();
  const key = parsePrivateKey(privateHex);
  if (!key.ok) throw new Error(`generated key rejected: ${key.reason}`); // cannot happen: randomSecretKey is in range
  io.out(`OC_PRIVATE_KEY=${privateHex}\n# public key: ${publicKeyHex(nobleBackend.publicKey(key.key))}`);
  io.err('warning: OC_PRIVATE_KEY signs as your OCID. Keep it in a secret store or an untracked .env; never commit it or paste it into logs or tickets.');
  return 0;
};
