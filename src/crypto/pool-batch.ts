// The crypto pool's batch format, and running a batch: the same code on a crypto thread and, when no thread can
// answer, on the event loop (src/crypto/pool.ts). One packed buffer per batch costs one copy-free transfer each way.
//
//   sign record:   0x00 ‖ digest (32) ‖ private key (32)                          = 65 bytes
//   verify record: 0x01 ‖ digest (32) ‖ r‖s (64) ‖ uncompressed public key (65) = 162 bytes
//   result:        RESULT bytes per record, in order: r‖s (64) ‖ recid (1) for a signature; 1 or 0 then padding for a verdict
import type { CryptoBackend } from '../protocol/backend.ts';

export const SIGN = 0;
export const VERIFY = 1;
export const SIGN_SIZE = 65;
export const VERIFY_SIZE = 162;
export const RESULT = 65;

export type Job =
  | { kind: typeof SIGN; digest: Uint8Array; key: Uint8Array }
  | { kind: typeof VERIFY; digest: Uint8Array; signature: Uint8Array; publicKey: Uint8Array };

/** Packs jobs into one buffer (sizes were checked when the jobs were made). */
export function packBatch(jobs: readonly Job[]): Uint8Array {
  let size = 0;
  for (const j of jobs) size += j.kind === SIGN ? SIGN_SIZE : VERIFY_SIZE;
  const out = new Uint8Array(size);
  let at = 0;
  for (const j of jobs) {
    out[at] = j.kind;
    out.set(j.digest, at + 1);
    if (j.kind === SIGN) {
      out.set(j.key, at + 33);
      at += SIGN_SIZE;
    } else {
      out.set(j.signature, at + 33);
      out.set(j.publicKey, at + 97);
      at += VERIFY_SIZE;
    }
  }
  return out;
}

/**
 * A verification is attacker input: whatever a backend does with it (false, or a throw), the answer is a verdict for
 * that record alone, never an error that would fail the other callers' records of the batch.
 */
function verdict(backend: CryptoBackend, signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): number {
  try {
    return backend.verify(signature, digest, publicKey) ? 1 : 0;
  } catch {
    return 0;
  }
}

/** Runs a packed batch with `backend`: RESULT bytes per record. A record that does not parse ends the batch with an error. */
export function runBatch(backend: CryptoBackend, batch: Uint8Array): Uint8Array {
  let n = 0;
  for (let at = 0; at < batch.length; n++) at += batch[at] === SIGN ? SIGN_SIZE : VERIFY_SIZE;
  const out = new Uint8Array(n * RESULT);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const kind = batch[at];
    const digest = batch.subarray(at + 1, at + 33);
    if (kind === SIGN) {
      const { signature, recid } = backend.sign(digest, batch.subarray(at + 33, at + 65));
      out.set(signature, i * RESULT);
      out[i * RESULT + 64] = recid;
      at += SIGN_SIZE;
    } else if (kind === VERIFY) {
      out[i * RESULT] = verdict(backend, batch.subarray(at + 33, at + 97), digest, batch.subarray(at + 97, at + 162));
      at += VERIFY_SIZE;
    } else {
      throw new Error(`crypto batch: unknown record kind ${kind} at byte ${at}`);
    }
  }
  if (at !== batch.length) throw new Error(`crypto batch: ${batch.length - at} bytes left over`);
  return out;
}
