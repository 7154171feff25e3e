// `conformance`: run the conformance kit against any merchant endpoint, write its static fixtures, or mint kit keys.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from './io.ts';
import { defineCommand, httpUrl, positiveInt, UsageError } from './args.ts';
import { CHECKS } from '../conformance/checks/index.ts';
import { writeFixtures } from '../conformance/fixtures.ts';
import { runConformance } from '../conformance/runner.ts';
import { formatJson, formatJunit, formatResult, summarize, summaryLine } from '../conformance/report.ts';
import { generatePrivateKey } from '../crypto/select.ts';
import { parsePrivateKey, publicKeyHex } from '../protocol/keys.ts';
import { nobleBackend } from '../protocol/noble.ts';

const DEFAULT_CALLER = 990_000_001;
const DEFAULT_ISSUER = 990_000_002;

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const runKit = defineCommand(
  {
    name: 'conformance',
    args: '<baseUrl>',
    positionals: [1, 1],
    summary: `Runs the Opencharge conformance checks against a merchant endpoint (its public base URL,
e.g. https://pay.shop.example/opencharge) and prints one line per check (PASS/FAIL/WARN/SKIP),
failures with the request sent and the response received, and "N passed, N failed, N warnings,
N skipped". Each check is required or recommended (\`conformance list\`): a failed required check
is FAIL and fails the run; a failed recommended one is WARN, counted as a warning.
A target that does not answer at all is one failure: "cannot reach <baseUrl> (reason)".
The target must trust the caller (and the issuer, and accept its proofs): \`conformance keys\`
prints fresh keys and the peers-file entries for that.

other forms:
  opencharge-merchant conformance keys [--caller-ocid N] [--issuer-ocid N] [--base-url URL]
  opencharge-merchant conformance fixtures --out <dir>
  opencharge-merchant conformance list`,
    options: {
      'caller-ocid': { type: 'string', value: 'N', parse: positiveInt, description: 'an OCID the target trusts as a caller (required)' },
      'caller-key': { type: 'string', value: 'HEX', description: "the caller's 64-hex private key (required)" },
      'issuer-ocid': { type: 'string', value: 'N', parse: positiveInt, description: 'an issuer the target accepts (without it: proof checks are skipped)' },
      'issuer-key': { type: 'string', value: 'HEX', description: "the issuer's 64-hex private key" },
      'merchant-ocid': { type: 'string', value: 'N', parse: positiveInt, description: "the target's OCID (default: from its metadata or /capabilities)" },
      only: { type: 'string', value: 'IDS', description: 'check ids or prefixes to run, comma-separated (see `conformance list`)' },
      skip: { type: 'string', value: 'IDS', description: 'check ids or prefixes to leave out, comma-separated' },
      json: { type: 'boolean', description: 'machine-readable results' },
      junit: { type: 'string', value: 'FILE', description: 'also write the results as JUnit XML to FILE (for CI dashboards)' },
    },
    notes: 'Exit status: 0 when no required check fails (warnings allowed), 1 when one does, 2 bad invocation.',
    examples: ['opencharge-merchant conformance https://pay.shop.example/opencharge --caller-ocid 990000001 --caller-key <hex> --issuer-ocid 990000002 --issuer-key <hex>'],
  },
  async ({ values: v, positionals: [baseArg] }, io) => {
    let baseUrl: string;
    try {
      baseUrl = httpUrl(baseArg!);
    } catch (err) {
      throw new UsageError(`<baseUrl> ${(err as Error).message}`);
    }
    if (v['caller-ocid'] === undefined || !v['caller-key'])
      throw new UsageError('--caller-ocid and --caller-key are required (create them with `opencharge-merchant conformance keys`)');
    const results = await runConformance({
      baseUrl,
      callerOcid: v['caller-ocid'],
      callerKey: v['caller-key'],
      issuerOcid: v['issuer-ocid'],
      issuerKey: v['issuer-key'],
      merchantOcid: v['merchant-ocid'],
      only: list(v.only),
      skip: list(v.skip),
      fetch: globalThis.fetch,
      now: () => Math.floor(Date.now() / 1000),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    if (v.junit) writeFileSync(resolve(io.cwd, v.junit), formatJunit(results));
    if (v.json) io.out(formatJson(results));
    else {
      for (const r of results) io.out(formatResult(r));
      io.out(summaryLine(results));
    }
    return summarize(results).failed > 0 ? 1 : 0;
  },
);

const keys = defineCommand(
  {
    name: 'conformance keys',
    summary: 'Prints fresh caller and issuer keys for the kit, the peers-file entries and OC_ACCEPTS line that make a target trust them, and the command to run.',
    options: {
      'caller-ocid': { type: 'string', value: 'N', parse: positiveInt, description: `the caller's OCID (default ${DEFAULT_CALLER})` },
      'issuer-ocid': { type: 'string', value: 'N', parse: positiveInt, description: `the issuer's OCID (default ${DEFAULT_ISSUER})` },
      'base-url': { type: 'string', value: 'URL', parse: httpUrl, description: "the target's base URL, written into the printed command" },
    },
    examples: ['opencharge-merchant conformance keys --base-url https://pay.shop.example/opencharge'],
  },
  ({ values: v }, io) => {
    const callerOcid = v['caller-ocid'] ?? DEFAULT_CALLER;
    const issuerOcid = v['issuer-ocid'] ?? DEFAULT_ISSUER;
    if (callerOcid === issuerOcid) throw new UsageError('--caller-ocid and --issuer-ocid must differ');
    const mint = () => {
      const hex = generatePrivateKey();
      const k = parsePrivateKey(hex);
      if (!k.ok) throw new Error(`generated key rejected: ${k.reason}`);
      return { hex, pub: publicKeyHex(nobleBackend.publicKey(k.key)) };
    };
    const caller = mint();
    const issuer = mint();
    const peers = [
      { ocid: callerOcid, publicKey: caller.pub, name: 'conformance kit caller' },
      { ocid: issuerOcid, publicKey: issuer.pub, name: 'conformance kit issuer' },
    ];
    const base = v['base-url'] ?? '<baseUrl>';
    io.out(
      [
        '# Conformance kit identities (fresh; for testing only)',
        `caller  ocid ${callerOcid}  private key ${caller.hex}`,
        `        public key ${caller.pub}`,
        `issuer  ocid ${issuerOcid}  private key ${issuer.hex}`,
        `        public key ${issuer.pub}`,
        '',
        '# 1. Trust them on the target. For opencharge-merchant, add these entries to its peers file (OC_PEERS_FILE):',
        JSON.stringify(peers, null, 2),
        '',
        '# 2. Accept proofs from the issuer (append to your existing list):',
        `OC_ACCEPTS=${issuerOcid}`,
        '',
        '# 3. Run the kit:',
        `opencharge-merchant conformance ${base} --caller-ocid ${callerOcid} --caller-key ${caller.hex} --issuer-ocid ${issuerOcid} --issuer-key ${issuer.hex}`,
      ].join('\n'),
    );
    io.err('warning: these keys can create orders and mark them paid on any target that trusts them. Use them on test deployments, and remove the peers entries and the OC_ACCEPTS value afterwards.');
    return 0;
  },
);

const fixtures = defineCommand(
  {
    name: 'conformance fixtures',
    summary: 'Writes the static signed fixtures (requests, responses, orders, proofs, rejections) for client and server authors in any language.',
    options: { out: { type: 'string', value: 'DIR', description: 'the folder to write them to (required)' } },
    examples: ['opencharge-merchant conformance fixtures --out test/vectors/conformance'],
  },
  ({ values: v }, io) => {
    if (!v.out) throw new UsageError('--out <dir> is required');
    const dir = resolve(io.cwd, v.out);
    const files = writeFixtures(dir);
    io.out(`wrote ${files.length} fixture files to ${dir}: ${files.join(', ')}`);
    return 0;
  },
);

const listChecks = defineCommand(
  {
    name: 'conformance list',
    summary:
      'Lists every check: id, level, title and the section of docs/profile.md or docs/opencharge.md it enforces.\nrequired: a failure fails the run; recommended: a failure is a warning (a reading of a gap or a choice of error code).',
    options: {},
    examples: ['opencharge-merchant conformance list'],
  },
  (_parsed, io) => {
    for (const c of CHECKS) io.out(`${c.id.padEnd(38)} ${c.level.padEnd(11)} ${c.title} [${c.section}]`);
    return 0;
  },
);

const SUBCOMMANDS: Record<string, Command> = { keys, fixtures, list: listChecks };

export const run: Command = async (args, io) => {
  const sub = SUBCOMMANDS[args[0] ?? ''];
  return sub ? sub(args.slice(1), io) : runKit(args, io);
};
