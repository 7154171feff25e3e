// assembleServer(config, deps): the whole server from its settings and effects, as every entry builds it (Node, Bun, tests).
import type { Hono } from 'hono';
import type { Config } from './config.ts';
import { buildDeps, type Effects } from './deps.ts';
import type { Identity } from './identity.ts';
import type { OrderDeps } from './orders/deps.ts';
import type { Store } from './store/types.ts';
import type { AppEnv } from './http/context.ts';
import { createApp, type AppOptions } from './http/app.ts';
import { backgroundTasks } from './runtime/background.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';

/** What the server is built from: an open store and the effects (fetch, clock, randomness, log, working directory, limits). */
export interface ServerDeps extends Effects {
  store: Store;
}

export interface Server {
  /** Every route: public, signed, callbacks, OpenAPI under the base path; admin, console, metrics and probes at the root. */
  app: Hono<AppEnv>;
  /** Every background task, not started: the runtime starts it once the app serves (tests run its tasks by hand). */
  scheduler: Scheduler;
  deps: OrderDeps;
  identity: Identity;
  backendNote: string;
}

/** Opening the store and binding the port are the caller's (they differ per runtime); everything else is built here. */
export function assembleServer(config: Config, sd: ServerDeps, opts: AppOptions = {}): Server {
  const { store, ...fx } = sd;
  const { deps, identity, backendNote } = buildDeps(config, store, fx);
  const app = createApp(deps, opts);
  const scheduler = createScheduler(backgroundTasks(deps, fx.fetch), deps.log);
  return { app, scheduler, deps, identity, backendNote };
}
