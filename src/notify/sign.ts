// Standard Webhooks headers, signed by the official `standardwebhooks` library; one signature per secret (rotation); pure.
import { Webhook } from 'standardwebhooks';

export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export type WebhookSigner = (o: { id: string; timestamp: number; body: string }) => WebhookHeaders;

/** `whsec_` and standard base64: the form Standard Webhooks libraries (ours and the shop's) read as the key bytes. */
const WHSEC = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A signer for OC_WEBHOOK_SECRET's secrets (several during a rotation: each signs every attempt, so the shop
 * may verify with the old or the new one). Throws (start-up misconfiguration) on a malformed secret, without echoing it.
 */
export function createWebhookSigner(secrets: readonly string[]): WebhookSigner {
  if (secrets.length === 0) throw new Error('OC_WEBHOOK_SECRET: at least one secret is required to sign');
  const hooks = secrets.map((s, i) => {
    if (!WHSEC.test(s) || s.length === 'whsec_'.length) {
      throw new Error(`OC_WEBHOOK_SECRET: secret ${i + 1} must be whsec_ followed by standard base64 (make one with: opencharge-merchant keygen --webhook-secret)`);
    }
    return new Webhook(s);
  });
  return ({ id, timestamp, body }) => {
    const at = new Date(timestamp * 1000); // the library takes a Date and signs its Unix seconds
    return {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      // One `v1,<base64>` per secret, space-separated, as the standard defines for several keys.
      'webhook-signature': hooks.map((h) => h.sign(id, at, body)).join(' '),
    };
  };
}
