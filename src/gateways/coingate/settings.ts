// CoinGate settings: its OC settings parsed once with zod into a frozen config whose token never prints (docs/gateways.md §2.1).
import { z } from 'zod';
import type { Env } from '../definition.ts';
import { Secret, baseUrlSetting, parseSettings, setting, settingNames } from '../kit.ts';

/** docs/gateways.md §2.1: the API base per environment, version prefix included. */
export const COINGATE_BASE_URLS = {
  live: 'https://api.coingate.com/v2',
  sandbox: 'https://api-sandbox.coingate.com/v2',
} as const;

export interface CoinGateConfig {
  apiToken: Secret;
  environment: 'live' | 'sandbox';
  /** API base including `/v2`, no trailing slash. */
  baseUrl: string;
}

const schema = z.object({
  // The token goes into an Authorization header: RFC 7235 token68 characters only (no spaces, no newlines).
  OC_COINGATE_TOKEN: z.string().regex(/^[A-Za-z0-9._~+/-]{8,256}=*$/, 'must be a CoinGate API auth token (8–256 letters, digits or -._~+/)'),
  OC_COINGATE_ENV: z.enum(['live', 'sandbox'], { error: "must be 'live' or 'sandbox'" }).default('live'),
  OC_COINGATE_BASE_URL: baseUrlSetting('https://api.coingate.com/v2', ' (the token goes in OC_COINGATE_TOKEN)', { bare: false }),
});

export const SETTINGS = settingNames(schema);

/** Undefined without a token (the gateway is off); throws naming the setting when one is invalid. */
export function coinGateConfigFromEnv(env: Env): CoinGateConfig | undefined {
  if (setting(env, 'OC_COINGATE_TOKEN') === undefined) return undefined;
  const s = parseSettings(schema, env, { OC_COINGATE_ENV: setting(env, 'OC_COINGATE_ENV')?.toLowerCase() });
  const baseUrl = (s.OC_COINGATE_BASE_URL ?? COINGATE_BASE_URLS[s.OC_COINGATE_ENV]).replace(/\/+$/, '');
  return Object.freeze({ apiToken: new Secret(s.OC_COINGATE_TOKEN), environment: s.OC_COINGATE_ENV, baseUrl });
}
