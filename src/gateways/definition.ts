// How a gateway declares itself to the registry: its id, settings, config parsing and factory.
import type { Gateway, GatewayDeps, GatewayId } from './types.ts';

export type Env = Record<string, string | undefined>;

export interface GatewayDefinition<C = unknown> {
  id: GatewayId;
  /** Human name for the README table and the console. */
  name: string;
  /** Every OC_* setting the gateway reads (documentation and config validation). */
  settings: readonly string[];
  /**
   * Parses the gateway's settings with its own zod schema. Returns undefined when its credentials are
   * absent (the gateway is disabled); throws an Error naming the setting when they are present but invalid.
   */
  fromEnv(env: Env): C | undefined;
  create(config: C, deps: GatewayDeps): Gateway;
}

/** Identity helper that keeps the config type parameter checked. */
export function defineGateway<C>(def: GatewayDefinition<C>): GatewayDefinition<C> {
  return def;
}
