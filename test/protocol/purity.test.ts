// House rules for src/protocol (docs/architecture.md rules 1, 12): pure (no I/O, env, clock, randomness), imports nothing of ours outside itself.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as surface from '../../src/protocol/index.ts';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/protocol');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
const ALLOWED_IMPORT = /^(\.\/[a-z0-9-]+\.ts|@noble\/secp256k1|@noble\/hashes\/[a-z0-9]+\.js)$/;
const IMPURE = [/\bprocess\./, /Date\.now/, /new Date\(/, /Math\.random/, /\bfetch\(/, /\bconsole\./, /\brequire\(/];

describe.each(files)('src/protocol/%s', (file) => {
  const text = readFileSync(join(dir, file), 'utf8');

  it('opens with a one-line purpose comment', () => expect(text.split('\n')[0]).toMatch(/^\/\/ \S.+/));

  it('imports only sibling protocol files and @noble', () => {
    const specs = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]);
    if (/^import /m.test(text)) expect(specs.length, 'import statements were not recognised').toBeGreaterThan(0);
    for (const spec of specs) expect(spec, `${file} imports ${spec}`).toMatch(ALLOWED_IMPORT);
  });

  it('touches no clock, environment, network, console or randomness', () => {
    for (const re of IMPURE) expect(re.test(text), `${file} matches ${re}`).toBe(false);
  });
});

describe('src/protocol/index.ts', () => {
  it('exposes the canonical, key, signature, header, error and amount functions', () => {
    for (const name of ['canonicalRequest', 'canonicalResponse', 'canonicalOrder', 'canonicalProof', 'canonicalConfig', 'canonicalSorted',
      'parsePublicKey', 'parsePrivateKey', 'publicKeyHex', 'parseSignature', 'signDigest', 'signCanonical', 'verifyDigest',
      'verifyCanonical', 'parseAuthHeaders', 'isFresh', 'errorBody', 'isErrorCode', 'parseAmount', 'formatAmount', 'sameAmount', 'sha256Hex']) {
      expect(typeof (surface as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(surface.nobleBackend.name).toBe('noble');
  });
});
