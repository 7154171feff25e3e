// The pure-JS backend: @noble/secp256k1 v3 with its hashes wired to @noble/hashes.
import * as secp from '@noble/secp256k1';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoBackend } from './backend.ts';

// noble v3 ships without hash functions for its sync API: wire them from @noble/hashes.
secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key: Uint8Array, msg: Uint8Array) => hmac(sha256, key, msg);

export { secp };

export const nobleBackend: CryptoBackend = {
  name: 'noble',
  sign(digest, privateKey) {
    // prehash:false — we hand noble the SHA-256 digest ourselves (PROFILE §1). 'recovered' puts the id first.
    const rec = secp.sign(digest, privateKey, { prehash: false, lowS: true, format: 'recovered' });
    return { signature: rec.subarray(1), recid: rec[0]! };
  },
  verify(signature, digest, publicKey) {
    try {
      return secp.verify(signature, digest, publicKey, { prehash: false, lowS: true });
    } catch {
      return false;
    }
  },
  publicKey(privateKey) {
    return secp.getPublicKey(privateKey, false);
  },
};
