// `opencharge-merchant serve`: start the server and stop it cleanly on SIGTERM/SIGINT.
import { defineCommand } from './args.ts';
import { startNode } from '../runtime/node.ts';
import { waitForStopSignal } from '../runtime/start.ts';

export const run = defineCommand(
  {
    name: 'serve',
    summary: 'Starts the merchant endpoint server. All settings come from OC_* environment variables (see README, Configuration).\nSIGTERM/SIGINT stop accepting, finish in-flight requests and close the database.',
    options: {},
    examples: ['opencharge-merchant serve', 'OC_PORT=0 OC_LOG_LEVEL=debug opencharge-merchant serve'],
  },
  async (_parsed, io) => {
    const server = await startNode({ env: io.env, cwd: io.cwd, print: io.out });
    await waitForStopSignal(io.out);
    await server.close();
    io.out('stopped');
    return 0;
  },
);
