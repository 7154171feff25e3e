// `conformance`: run the conformance kit against any merchant endpoint, write its static fixtures, or mint kit keys.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Command, CliIO } from './io.ts';
import { parseFlags } from './io.ts';
import { CHECKS } from '../conformance/checks/index.ts';
import { writeFixtures } from '../conformance/fixtures.ts';
import { runConformance } from '../conformance/runner.ts';
import { formatJson, formatResult, summarize, summaryLine } from '../conformance/report.ts';
import { generatePrivateKey } from '../crypto/select.ts';
import { parsePrivateKey, publicKeyHex } from '../protocol/keys.ts';
import { nobleBackend } from '../protocol/noble.ts';

const HELP = `usage:
  opencharge-merchant conformance <baseUrl> --caller-ocid N --caller-key HEX
        [--issuer-ocid N --issuer-key HEX] [--merchant-ocid N]
        [--only id,prefix] [--skip id,prefix] [--json]
  opencharge-merchant conformance fixtures --out <dir>
  opencharge-merchant conformance keys [--caller-ocid N] [--issuer-ocid N] [--base-url URL]
  opencharge-merchant conformance list

Runs the Opencharge conformance checks against a merchant endpoint (its public base URL,
e.g. https://pay.shop.example/opencharge) and prints one line per check (PASS/FAIL/SKIP),
failures with the request sent and the response received, and "N passed, N failed, N skipped".
Exit code 1 when any check fails. The target must trust the caller (and the issuer, and accept
its proofs): \`conformance keys\` prints fresh keys and the peers-file entries for that.

  --caller-ocid/--caller-key   an OCID the target trusts as a caller, and its 64-hex private key
  --issuer-ocid/--issuer-key   an issuer the target accepts (without it: proof checks are skipped)
  --merchant-ocid              the target's OCID (default: from its metadata or /capabilities)
  --only / --skip              check ids or prefixes, comma-separated (see \`conformance list\`)
  --json                       machine-readable results`;

const DEFAULT_CALLER = 990_000_001;
const DEFAULT_ISSUER = 990_000_002;

function ocidFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) throw new Error(`--${name} must be a positive integer, got '${value}'`);
  return Number(value);
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

async function runKit(baseUrl: string, flags: Record<string, string>, io: CliIO): Promise<number> {
  if (!/^https?:\/\//.test(baseUrl)) {
    io.err(`conformance: <baseUrl> must be an http(s) URL, got '${baseUrl}'\n\n${HELP}`);
    return 2;
  }
  const callerOcid = ocidFlag(flags['caller-ocid'], 'caller-ocid');
  if (callerOcid === undefined || !flags['caller-key']) {
    io.err('conformance: --caller-ocid and --caller-key are required (create them with `opencharge-merchant conformance keys`)');
    return 2;
  }
  const results = await runConformance({
    baseUrl,
    callerOcid,
    callerKey: flags['caller-key'],
    issuerOcid: ocidFlag(flags['issuer-ocid'], 'issuer-ocid'),
    issuerKey: flags['issuer-key'],
    merchantOcid: ocidFlag(flags['merchant-ocid'], 'merchant-ocid'),
    only: list(flags.only),
    skip: list(flags.skip),
    fetch: globalThis.fetch,
    now: () => Math.floor(Date.now() / 1000),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
  if (flags.json) io.out(formatJson(results));
  else {
    for (const r of results) io.out(formatResult(r));
    io.out(summaryLine(results));
  }
  return summarize(results).failed > 0 ? 1 : 0;
}

function keys(flags: Record<string, string>, io: CliIO): number {
  const callerOcid = ocidFlag(flags['caller-ocid'], 'caller-ocid') ?? DEFAULT_CALLER;
  const issuerOcid = ocidFlag(flags['issuer-ocid'], 'issuer-ocid') ?? DEFAULT_ISSUER;
  if (callerOcid === issuerOcid) throw new Error('--caller-ocid and --issuer-ocid must differ');
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
  const base = flags['base-url'] ?? '<baseUrl>';
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
}

export const run: Command = async (args, io) => {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    io.out(HELP);
    return args.length === 0 ? 2 : 0;
  }
  const { flags, positional } = parseFlags(args, ['json']);
  const [first, ...extra] = positional;
  if (extra.length) {
    io.err(`conformance: unexpected argument '${extra[0]}'\n\n${HELP}`);
    return 2;
  }
  if (first === 'fixtures') {
    if (!flags.out) {
      io.err('conformance fixtures: --out <dir> is required');
      return 2;
    }
    const dir = resolve(io.cwd, flags.out);
    const files = writeFixtures(dir);
    io.out(`wrote ${files.length} fixture files to ${dir}: ${files.join(', ')}`);
    return 0;
  }
  if (first === 'keys') return keys(flags, io);
  if (first === 'list') {
    for (const c of CHECKS) io.out(`${c.id.padEnd(38)} ${c.title} [${c.section}]`);
    return 0;
  }
  if (first === undefined) {
    io.err(`conformance: give a <baseUrl>, fixtures, keys or list\n\n${HELP}`);
    return 2;
  }
  return runKit(first, flags, io);
};
