// Counts every outbound gateway call by outcome, by wrapping the gateways once at start-up (no change inside an adapter).
import type { Gateway, GatewayId, GatewayResult } from '../gateways/types.ts';
import type { Metrics } from './metrics.ts';

function counted(gateway: Gateway, m: Metrics): Gateway {
  const count = async <T>(operation: 'create' | 'fetch', call: () => Promise<GatewayResult<T>>): Promise<GatewayResult<T>> => {
    try {
      const res = await call();
      m.gatewayCalls.inc({ gateway: gateway.id, operation, outcome: res.ok ? 'ok' : res.error.kind });
      return res;
    } catch (err) {
      m.gatewayCalls.inc({ gateway: gateway.id, operation, outcome: 'exception' });
      throw err;
    }
  };
  // The adapter stays the prototype: every other member (id, parseCallback, …) is its own.
  return Object.assign(Object.create(gateway) as Gateway, {
    createCharge: (input: Parameters<Gateway['createCharge']>[0]) => count('create', () => gateway.createCharge(input)),
    fetchCharge: (reference: string) => count('fetch', () => gateway.fetchCharge(reference)),
  });
}

export function countGatewayCalls(gateways: Map<GatewayId, Gateway>, m: Metrics): Map<GatewayId, Gateway> {
  return new Map([...gateways].map(([id, g]) => [id, counted(g, m)]));
}
