// `opencharge-merchant serve`: start the server and stop it cleanly on SIGTERM/SIGINT.
import type { Command } from './io.ts';
import { startNode } from '../runtime/node.ts';
import { waitForStopSignal } from '../runtime/start.ts';

export const run: Command = async (args, io) => {
  if (args.includes('--help')) {
    io.out('usage: opencharge-merchant serve\n\nAll settings come from OC_* environment variables (see README).');
    return 0;
  }
  const server = await startNode({ env: io.env, cwd: io.cwd, print: io.out });
  await waitForStopSignal(io.out);
  await server.close();
  io.out('stopped');
  return 0;
};
