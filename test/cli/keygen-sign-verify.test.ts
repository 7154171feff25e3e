// The keygen, sign and verify commands through the real dispatcher (main) with captured output and real temp files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { main } from '../../src/cli/index.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { availableBackends } from '../../src/crypto/select.ts';
import { parsePrivateKey, publicKeyHex } from '../../src/protocol/keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'oc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doc = JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../vectors/opencharge-doc.json'), 'utf8')) as {
  vectors: Array<{ description: string; input: Record<string, string>; expected: Record<string, string> }>;
};
const vector = (label: string) => doc.vectors.find((v) => v.description.startsWith(label))!;
const A = vector('Vector A');
const B = vector('Vector B');
const KEY = B.input.privateKey!;
const PUB = vector('Test key').expected.publicKey!;

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: dir };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
/** The value printed after `label:` on its own line. */
const field = (text: string, label: string) => new RegExp(`^${label}:\\s+(.*)$`, 'm').exec(text)?.[1];
/** A row of the canonical-request layout (`  body sha256  <hex>`). */
const part = (text: string, label: string) => new RegExp(`^  ${label} +(.*)$`, 'm').exec(text)?.[1];
const partsOf = (v: typeof A) => ['--ocid', v.input.ocid!, '--timestamp', v.input.timestamp!, '--nonce', v.input.nonce!, '--method', v.input.method!, '--path', v.input.path!];

describe('keygen', () => {
  it('prints OC_PRIVATE_KEY and a public-key comment that belong together', async () => {
    const r = await cli(['keygen']);
    expect(r.code).toBe(0);
    const priv = /^OC_PRIVATE_KEY=([0-9a-f]{64})$/m.exec(r.out)?.[1];
    const pub = /^# public key: ([0-9a-f]{128})$/m.exec(r.out)?.[1];
    expect(priv).toBeDefined();
    expect(pub).toBeDefined();
    const key = parsePrivateKey(priv!);
    expect(key.ok).toBe(true);
    if (!key.ok) return;
    for (const b of availableBackends()) expect(publicKeyHex(b.publicKey(key.key)), b.name).toBe(pub);
  });

  it('warns on stderr, not stdout, never to commit the key', async () => {
    const r = await cli(['keygen']);
    expect(r.err).toMatch(/never commit/);
    expect(r.out).not.toMatch(/never commit/);
  });

  it('prints only .env-compatible lines on stdout', async () => {
    const r = await cli(['keygen']);
    for (const line of r.out.split('\n')) expect(line).toMatch(/^(#.*|[A-Z_]+=\S+)$/);
  });

  it('makes a new key each run', async () => {
    const [a, b] = [await cli(['keygen']), await cli(['keygen'])];
    expect(a.out).not.toBe(b.out);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await cli(['keygen', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/usage: opencharge-merchant keygen/);
  });

  it('--webhook-secret prints one OC_WEBHOOK_SECRET=whsec_<base64 of 32 random bytes> line the Standard Webhooks library accepts', async () => {
    const r = await cli(['keygen', '--webhook-secret']);
    expect(r.code).toBe(0);
    const secret = /^OC_WEBHOOK_SECRET=(whsec_[A-Za-z0-9+/]+={0,2})$/.exec(r.out)?.[1];
    expect(secret, r.out).toBeDefined();
    expect(Buffer.from(secret!.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const wh = new Webhook(secret!);
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) };
    const signature = wh.sign(headers['webhook-id'], new Date(Number(headers['webhook-timestamp']) * 1000), '{}');
    expect(wh.verify('{}', { ...headers, 'webhook-signature': signature })).toEqual({});
    expect(r.err).toMatch(/never commit/);
    expect((await cli(['keygen', '--webhook-secret'])).out).not.toBe(r.out);
  });

  it('rejects an unexpected argument with exit 2', async () => {
    const r = await cli(['keygen', '--compressed']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option --compressed/);
  });
});

describe('sign', () => {
  it('reproduces vector B (opencharge.md §3.8) from its parts and --body', async () => {
    const r = await cli(['sign', '--key', KEY, ...partsOf(B), '--body', B.input.body!]);
    expect(r.code).toBe(0);
    expect(JSON.parse(field(r.out, 'canonical')!)).toBe(B.expected.canonical);
    expect(part(r.out, 'body sha256')).toBe(B.expected.bodySha256);
    expect(field(r.out, 'sha256')).toBe(B.expected.sha256);
    expect(field(r.out, 'signature')).toBe(B.expected.signature);
    expect(field(r.out, 'public key')).toBe(PUB);
  });

  it('prints the canonical request part by part, in the layout of the server\'s INVALID_SIGNATURE details', async () => {
    const r = await cli(['sign', '--key', KEY, ...partsOf(B), '--body', B.input.body!]);
    const block = r.out.slice(r.out.indexOf('canonical request:'), r.out.indexOf('canonical:'));
    expect(block.trimEnd().split('\n')).toEqual([
      'canonical request:',
      `  ocid         ${B.input.ocid}`,
      `  timestamp    ${B.input.timestamp}`,
      `  nonce        ${B.input.nonce}`,
      `  method       ${B.input.method}`,
      `  path         ${B.input.path}`,
      `  body sha256  ${B.expected.bodySha256}`,
      `  body bytes   ${Buffer.byteLength(B.input.body!)}`,
    ]);
  });

  it('prints the canonical string JSON-escaped: one line, newlines visible as \\n', async () => {
    const r = await cli(['sign', '--key', KEY, ...partsOf(A)]);
    const line = r.out.split('\n').find((l) => l.startsWith('canonical:'))!;
    expect(line).toContain('200\\n1706500000\\nreq_abc123\\nGET');
    expect(field(r.out, 'signature')).toBe(A.expected.signature);
  });

  it('reads the body bytes from --body-file', async () => {
    writeFileSync(join(dir, 'body.json'), B.input.body!);
    const r = await cli(['sign', '--key', KEY, ...partsOf(B), '--body-file', 'body.json']);
    expect(field(r.out, 'signature')).toBe(B.expected.signature);
  });

  it('signs a --canonical-file byte for byte', async () => {
    writeFileSync(join(dir, 'canonical.txt'), B.expected.canonical!);
    const r = await cli(['sign', '--key', KEY, '--canonical-file', 'canonical.txt']);
    expect(r.code).toBe(0);
    expect(field(r.out, 'signature')).toBe(B.expected.signature);
    expect(part(r.out, 'body sha256')).toBe(B.expected.bodySha256);
    expect(part(r.out, 'body bytes')).toBeUndefined();
  });

  it('warns when a --canonical-file ends with a newline, and signs it as is', async () => {
    writeFileSync(join(dir, 'canonical-nl.txt'), B.expected.canonical! + '\n');
    const r = await cli(['sign', '--key', KEY, '--canonical-file', 'canonical-nl.txt']);
    expect(r.err).toMatch(/ends with a newline/);
    expect(field(r.out, 'signature')).not.toBe(B.expected.signature);
  });

  it('reads the key from a .env --key-file (keygen output format)', async () => {
    writeFileSync(join(dir, 'key.env'), `# test\nOC_PRIVATE_KEY=${KEY}\n# public key: ${PUB}\n`);
    const r = await cli(['sign', '--key-file', 'key.env', ...partsOf(A)]);
    expect(field(r.out, 'signature')).toBe(A.expected.signature);
  });

  it('reads the key from a bare-hex --key-file', async () => {
    writeFileSync(join(dir, 'key.hex'), `${KEY}\n`);
    const r = await cli(['sign', '--key-file', 'key.hex', ...partsOf(A)]);
    expect(field(r.out, 'signature')).toBe(A.expected.signature);
  });

  it('falls back to OC_PRIVATE_KEY from the environment', async () => {
    const r = await cli(['sign', ...partsOf(A)], { OC_PRIVATE_KEY: KEY });
    expect(field(r.out, 'signature')).toBe(A.expected.signature);
  });

  it.each(availableBackends().map((b) => b.name))('--crypto %s gives the vector B signature', async (name) => {
    const r = await cli(['sign', '--key', KEY, '--crypto', name, ...partsOf(B), '--body', B.input.body!]);
    expect(field(r.out, 'signature')).toBe(B.expected.signature);
  });

  it('warns (stderr, naming the header) about a nonce a server would refuse, and still signs', async () => {
    const args = partsOf(A).map((a) => (a === 'req_abc123' ? 'req abc' : a));
    const r = await cli(['sign', '--key', KEY, ...args]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: X-OC-Nonce/);
    expect(field(r.out, 'signature')).toMatch(/^[0-9a-f]{130}$/);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await cli(['sign', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--canonical-file/);
  });

  describe('bad invocations exit 2 with the reason', () => {
    const bad = async (args: string[], reason: RegExp, env: Record<string, string> = {}) => {
      const r = await cli(['sign', ...args], env);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(reason);
      expect(r.out).toBe('');
      return r;
    };
    it('missing --nonce', () => bad(['--key', KEY, ...partsOf(A).slice(0, 4), ...partsOf(A).slice(6)], /missing --nonce/));
    it('no key at all', () => bad(partsOf(A), /no key/));
    it('key out of range, not echoed', async () => {
      const r = await bad(['--key', 'f'.repeat(64), ...partsOf(A)], /out of range/);
      expect(r.err).not.toContain('f'.repeat(64));
    });
    it('key of the wrong length', () => bad(['--key', '11', ...partsOf(A)], /64 hex/));
    it('both --key and --key-file', () => bad(['--key', KEY, '--key-file', 'key.hex', ...partsOf(A)], /not both/));
    it('unknown option (a typo must not sign something else)', () => bad(['--key', KEY, ...partsOf(A), '--nonse', 'x'], /unknown option --nonse/));
    it('unexpected positional argument', () => bad(['--key', KEY, ...partsOf(A), 'extra'], /unexpected argument 'extra'/));
    it('both --body and --body-file', () => bad(['--key', KEY, ...partsOf(B), '--body', '{}', '--body-file', 'body.json'], /not both/));
    it('unreadable --body-file', () => bad(['--key', KEY, ...partsOf(B), '--body-file', 'absent.json'], /cannot read absent\.json: ENOENT/));
    it('--canonical-file mixed with parts', () => bad(['--key', KEY, '--canonical-file', 'canonical.txt', '--ocid', '1'], /cannot be combined with --ocid/));
    it('unknown --crypto', () => bad(['--key', KEY, ...partsOf(A), '--crypto', 'openssl'], /--crypto: must be auto, noble or native, got 'openssl'/));
    it('unknown OC_CRYPTO', () => bad(['--key', KEY, ...partsOf(A)], /OC_CRYPTO must be auto, noble or native/, { OC_CRYPTO: 'openssl' }));
    it('option without a value', () => bad(['--key', KEY, ...partsOf(A), '--body'], /--body needs a value/));
  });
});

describe('verify', () => {
  const verifyA = (signature: string, extra: string[] = []) => cli(['verify', '--public-key', PUB, '--signature', signature, ...partsOf(A), ...extra]);

  it('valid: vector A verifies, exit 0, prints canonical and hash', async () => {
    const r = await verifyA(A.expected.signature!);
    expect(r.code).toBe(0);
    expect(field(r.out, 'verdict')).toBe('valid');
    expect(JSON.parse(field(r.out, 'canonical')!)).toBe(A.expected.canonical);
    expect(field(r.out, 'sha256')).toBe(A.expected.sha256);
  });

  it('valid: vector B with its body and the compressed public key', async () => {
    const compressed = vector('Test key').expected.compressed!;
    const r = await cli(['verify', '--public-key', compressed, '--signature', B.expected.signature!, ...partsOf(B), '--body', B.input.body!]);
    expect(r.code).toBe(0);
  });

  it('invalid: one changed part (nonce) → exit 1 with the reason', async () => {
    const args = partsOf(A).map((a) => (a === 'req_abc123' ? 'req_abc124' : a));
    const r = await cli(['verify', '--public-key', PUB, '--signature', A.expected.signature!, ...args]);
    expect(r.code).toBe(1);
    expect(field(r.out, 'verdict')).toBe('invalid (signature does not match the key and message)');
  });

  it('invalid: the high-S twin → exit 1, reason names the low-S policy', async () => {
    const sig = A.expected.signature!;
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const twin = sig.slice(0, 64) + (n - BigInt('0x' + sig.slice(64, 128))).toString(16).padStart(64, '0') + sig.slice(128);
    const r = await verifyA(twin);
    expect(r.code).toBe(1);
    expect(field(r.out, 'verdict')).toMatch(/^invalid \(high-S/);
  });

  it('invalid: a truncated signature → exit 1 with the length reason', async () => {
    const r = await verifyA(A.expected.signature!.slice(0, 100));
    expect(r.code).toBe(1);
    expect(field(r.out, 'verdict')).toMatch(/130 or 128 hex characters, got 100/);
  });

  it('invalid: the wrong public key → exit 1', async () => {
    const other = parsePrivateKey('22'.repeat(32));
    if (!other.ok) throw new Error(other.reason);
    const r = await cli(['verify', '--public-key', publicKeyHex(availableBackends()[0]!.publicKey(other.key)), '--signature', A.expected.signature!, ...partsOf(A)]);
    expect(r.code).toBe(1);
  });

  it('a malformed public key is a bad invocation (exit 2)', async () => {
    const r = await cli(['verify', '--public-key', '05' + PUB, '--signature', A.expected.signature!, ...partsOf(A)]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--public-key: 130-hex public key must start with 04/);
  });

  it('missing --signature is a bad invocation (exit 2)', async () => {
    const r = await cli(['verify', '--public-key', PUB, ...partsOf(A)]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing --signature/);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await cli(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Exit status: 0 valid, 1 invalid/);
  });
});

describe('keygen → sign → verify', () => {
  it('a fresh key signs a request that verifies under its printed public key', async () => {
    const gen = await cli(['keygen']);
    writeFileSync(join(dir, 'fresh.env'), gen.out);
    const pub = /^# public key: ([0-9a-f]{128})$/m.exec(gen.out)![1]!;
    const signed = await cli(['sign', '--key-file', 'fresh.env', ...partsOf(B), '--body', B.input.body!]);
    const sig = field(signed.out, 'signature')!;
    expect(sig).not.toBe(B.expected.signature);
    const r = await cli(['verify', '--public-key', pub, '--signature', sig, ...partsOf(B), '--body', B.input.body!]);
    expect(r.code).toBe(0);
  });
});
