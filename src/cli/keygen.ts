// `keygen`: a new secp256k1 key pair as .env lines, or (--webhook-secret) a new Standard Webhooks secret; warns never to commit it.
import { randomBytes } from 'node:crypto';
import { generatePrivateKey } from '../crypto/select.ts';
import { parsePrivateKey, publicKeyHex } from '../protocol/keys.ts';
import { nobleBackend } from '../protocol/noble.ts';
import { defineCommand } from './args.ts';

/** 32 random bytes: an HMAC-SHA256 key of the hash's full size (Standard Webhooks asks for 24 to 64). */
const WEBHOOK_SECRET_BYTES = 32;

export const run = defineCommand(
  {
    name: 'keygen',
    summary: `Prints a new secp256k1 key pair (CSPRNG) as .env lines:
  OC_PRIVATE_KEY=<64 hex>
  # public key: <128 hex>   (publish this one in metadata.json config.publicKey)
With --webhook-secret, a new shop-notification secret in the Standard Webhooks format instead:
  OC_WEBHOOK_SECRET=whsec_<base64 of ${WEBHOOK_SECRET_BYTES} random bytes>`,
    options: {
      'webhook-secret': { type: 'boolean', description: 'print a new OC_WEBHOOK_SECRET=whsec_… line instead of a key pair' },
    },
    notes: 'Append it to an untracked .env or put it in your secret store; never commit it.',
    examples: ['opencharge-merchant keygen >> .env', 'opencharge-merchant keygen --webhook-secret >> .env'],
  },
  ({ values }, io) => {
    if (values['webhook-secret']) {
      io.out(`OC_WEBHOOK_SECRET=whsec_${randomBytes(WEBHOOK_SECRET_BYTES).toString('base64')}`);
      io.err('warning: OC_WEBHOOK_SECRET lets anyone forge notifications to your shop. Give it only to the shop (and this server); never commit it.');
      return 0;
    }
    const privateHex = generatePrivateKey();
    const key = parsePrivateKey(privateHex);
    if (!key.ok) throw new Error(`generated key rejected: ${key.reason}`); // cannot happen: randomSecretKey is in range
    io.out(`OC_PRIVATE_KEY=${privateHex}\n# public key: ${publicKeyHex(nobleBackend.publicKey(key.key))}`);
    io.err('warning: OC_PRIVATE_KEY signs as your OCID. Keep it in a secret store or an untracked .env; never commit it or paste it into logs or tickets.');
    return 0;
  },
);
