// The small interface both secp256k1 backends implement (pure JS noble, native libsecp256k1).

export type BackendName = 'noble' | 'native';

export interface CryptoBackend {
  readonly name: BackendName;
  /** RFC 6979, low-S ECDSA over a 32-byte digest: 64-byte r‖s and the recovery id. */
  sign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  /** Verifies a 64-byte r‖s over a 32-byte digest with a 65-byte uncompressed key; high-S is false. */
  verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
  /** The 65-byte uncompressed public key (04‖x‖y) of a valid private key. */
  publicKey(privateKey: Uint8Array): Uint8Array;
}

/** The same two operations answered later (a pool of crypto threads: src/crypto/pool.ts); same results. */
export interface AsyncCryptoBackend {
  sign(digest: Uint8Array, privateKey: Uint8Array): Promise<{ signature: Uint8Array; recid: number }>;
  verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
}
