// writeFixtures(dir): the static signed conformance fixtures, built purely (buildFixtures) and written as files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keysFile } from './fixtures/keys.ts';
import { ordersFile } from './fixtures/orders.ts';
import { proofsFile } from './fixtures/proofs.ts';
import { readmeFile } from './fixtures/readme.ts';
import { rejectionsFile, requestsFile } from './fixtures/requests.ts';
import { metadataFile, responsesFile } from './fixtures/responses.ts';

/** File name → exact contents; no clock, no randomness, so two builds are byte-identical. */
export function buildFixtures(): Record<string, string> {
  return {
    'README.md': readmeFile(),
    'keys.json': keysFile(),
    'requests.json': requestsFile(),
    'rejections.json': rejectionsFile(),
    'orders.json': ordersFile(),
    'proofs.json': proofsFile(),
    'responses.json': responsesFile(),
    'metadata.json': metadataFile(),
  };
}

/** Writes every fixture into `dir` (created if needed); returns the file names written. */
export function writeFixtures(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = buildFixtures();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}
