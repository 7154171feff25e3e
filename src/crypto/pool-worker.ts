// A crypto thread of the pool (src/crypto/pool.ts): signs and verifies batches with the same backend as the event loop.
// A batch is one packed buffer (the record layout is in pool.ts); the answer is one buffer of RESULT bytes per record.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendName, CryptoBackend } from '../protocol/backend.ts';
import { nobleBackend } from '../protocol/noble.ts';
import { loadNativeBackend } from './native.ts';
import { useRuntimeSha256 } from './sha256.ts';
import { runBatch } from './pool-batch.ts';

const name = (workerData as { backend: BackendName }).backend;
useRuntimeSha256(); // noble signs through node:crypto's HMAC here too, as on the event loop (src/deps.ts)
const backend: CryptoBackend = name === 'native' ? loadNativeBackend() : nobleBackend;

parentPort!.on('message', (batch: Uint8Array) => {
  let out: Uint8Array;
  try {
    out = runBatch(backend, batch);
  } catch (err) {
    // The event loop runs this batch itself (and its callers get that error, if it is one again).
    parentPort!.postMessage({ error: (err as Error).message });
    return;
  }
  parentPort!.postMessage(out, [out.buffer as ArrayBuffer]);
});
