// The native backend: libsecp256k1 through the optional `secp256k1` package's N-API binding.
import { createRequire } from 'node:module';
import type { CryptoBackend } from '../protocol/backend.ts';

interface Secp256k1Native {
  ecdsaSign(msg32: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, publicKey: Uint8Array): boolean;
  publicKeyCreate(privateKey: Uint8Array, compressed?: boolean): Uint8Array;
}

/**
 * Loads the binding itself (`secp256k1/bindings`), never the package index: that one silently falls back
 * to the pure-JS `elliptic` code when the addon fails, which would be neither native nor noble.
 */
export function loadNativeBackend(): CryptoBackend {
  const require = createRequire(import.meta.url);
  const lib = require('secp256k1/bindings') as Secp256k1Native;
  return {
    name: 'native',
    sign(digest, privateKey) {
      const { signature, recid } = lib.ecdsaSign(digest, privateKey);
      return { signature: Uint8Array.from(signature), recid };
    },
    verify(signature, digest, publicKey) {
      try {
        // libsecp256k1 rejects high-S itself, matching our policy.
        return lib.ecdsaVerify(signature, digest, publicKey);
      } catch {
        return false;
      }
    },
    publicKey(privateKey) {
      return Uint8Array.from(lib.publicKeyCreate(privateKey, false));
    },
  };
}
