// The one list of outbound gateways (docs/architecture.md rule 3): adding a gateway adds one line here.
import type { GatewayDefinition, Env } from './definition.ts';
import type { Gateway, GatewayDeps, GatewayId } from './types.ts';
import { coingate } from './coingate/index.ts';
import { mugglepay } from './mugglepay/index.ts';
import { myceliumGear } from './mycelium-gear/index.ts';
import { iumicash } from './iumicash/index.ts';
import { openchargeGateway } from './opencharge/index.ts';

export const GATEWAYS: readonly GatewayDefinition<any>[] = [coingate, mugglepay, myceliumGear, iumicash, openchargeGateway];

export function isGatewayId(value: unknown): value is GatewayId {
  return GATEWAYS.some((g) => g.id === value);
}

/** Builds every gateway whose credentials are present; invalid settings throw at start-up. */
export function enabledGateways(env: Env, deps: GatewayDeps): Map<GatewayId, Gateway> {
  const out = new Map<GatewayId, Gateway>();
  for (const def of GATEWAYS) {
    const config = def.fromEnv(env);
    if (config !== undefined) out.set(def.id, def.create(config, deps));
  }
  return out;
}
