// The Bun entry: bun:sqlite store and Bun.serve; everything else is shared in start.ts. Run: `bun src/runtime/bun.ts`.
import { openStoreBun } from '../store/open-bun.ts';
import { failureText } from '../cli/io.ts';
import { startRuntime, waitForStopSignal, type FetchHandler, type Listener, type RunningServer, type StartOptions } from './start.ts';

function bunGlobal(): BunGlobal {
  if (typeof Bun === 'undefined') throw new Error('src/runtime/bun.ts needs the Bun runtime: start it with `bun src/runtime/bun.ts` (on Node use `opencharge-merchant serve`)');
  return Bun;
}

/** Binds Bun.serve; close() stops accepting and resolves once in-flight requests have finished. */
export async function listenBun(fetch: FetchHandler, hostname: string, port: number): Promise<Listener> {
  const server = bunGlobal().serve({ fetch, hostname, port });
  return { port: server.port, close: () => server.stop() };
}

export function startBun(o: StartOptions): Promise<RunningServer> {
  bunGlobal();
  return startRuntime({ ...o, openStore: openStoreBun, listen: listenBun });
}

/** `bun src/runtime/bun.ts`: serve until SIGTERM/SIGINT, then close cleanly and exit 0 (1 on a start-up error). */
export async function main(): Promise<number> {
  const print = (line: string) => process.stdout.write(line + '\n');
  let server: RunningServer;
  try {
    server = await startBun({ env: process.env, cwd: process.cwd(), print });
  } catch (err) {
    process.stderr.write(failureText('serve', err) + '\n');
    return 1;
  }
  await waitForStopSignal(print);
  await server.close();
  print('stopped');
  return 0;
}

if (import.meta.main) process.exitCode = await main();
