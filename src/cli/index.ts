// Dispatches `opencharge-merchant <command>`; each command lives in its own file and loads on demand.
import { closest } from '../suggest.ts';
import { failureText, nodeIO, type CliIO, type Command } from './io.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command }> }> = {
  serve: { summary: 'start the merchant endpoint server (default)', load: () => import('./serve.ts') },
  migrate: { summary: 'apply database migrations and exit', load: () => import('./migrate.ts') },
  keygen: { summary: 'print a new secp256k1 key pair (or --webhook-secret) as .env lines', load: () => import('./keygen.ts') },
  sign: { summary: 'sign a canonical request and print every intermediate value', load: () => import('./sign.ts') },
  verify: { summary: 'verify a signature over a canonical request, with the reason', load: () => import('./verify.ts') },
  request: { summary: 'send a signed request as a peer and verify the answer', load: () => import('./request.ts') },
  pay: { summary: 'pay an order with a signed transfer proof, as the development issuer', load: () => import('./pay.ts') },
  listen: { summary: "receive the shop's webhooks locally, verify and print each one", load: () => import('./listen.ts') },
  'verify-payment': { summary: 'ask an issuer about a missed payment (GET /verify/{txid}) and settle it', load: () => import('./verify-payment.ts') },
  conformance: { summary: 'run the conformance kit against a merchant endpoint, or write its fixtures', load: () => import('./conformance.ts') },
  'migrate-data': { summary: 'copy every table from one database to another (SQLite → PostgreSQL)', load: () => import('./migrate-data.ts') },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return ['usage: opencharge-merchant <command> [options]', '', 'commands:', ...lines, '', "run 'opencharge-merchant <command> --help' for its options and an example"].join('\n');
}

export async function main(argv: string[], io: CliIO = nodeIO()): Promise<number> {
  let [name = 'serve', ...rest] = argv;
  if (name === 'help' && rest[0] && COMMANDS[rest[0]]) [name, rest] = [rest[0], ['--help']];
  else if (name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    const hint = closest(name, Object.keys(COMMANDS));
    io.err(`unknown command '${name}'${hint ? ` (did you mean ${hint}?)` : ''}\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await cmd.load()).run(rest, io);
  } catch (err) {
    io.err(failureText(name, err));
    return 1;
  }
}
