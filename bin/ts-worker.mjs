// A worker thread's entry for TypeScript run from a checkout under Node (tests, benches): tsx's loader, then the
// module named by workerData.tsEntry. Built code (dist/) and Bun start their workers directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.tsEntry);
