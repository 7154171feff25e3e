// The pure-JS backend: @noble/secp256k1 v3 with its hashes wired to ours (hex.ts: @noble/hashes, or the runtime's).
import * as secp from '@noble/secp256k1';
import type { CryptoBackend } from './backend.ts';
import { hmacSha256, sha256Bytes } from './hex.ts';

// noble v3 ships without hash functions for its sync API: wire them to the protocol's SHA-256, so that
// useSha256 (hex.ts) speeds up noble's RFC 6979 nonces too.
secp.hashes.sha256 = (msg: Uint8Array) => sha256Bytes(msg);
secp.hashes.hmacSha256 = (key: Uint8Array, msg: Uint8Array) => hmacSha256(key, msg);

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
