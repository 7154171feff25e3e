// Mycelium Gear settings: its OC settings parsed once with zod into a frozen config whose secret never prints (docs/gateways.md §1.1).
import { z } from 'zod';
import type { Env } from '../definition.ts';
import { Secret, baseUrlSetting, bothSet, parseSettings, settingNames } from '../kit.ts';

/** §1.1: the hosted API (the kit's DEFAULT_API_URL); the customer pays at `{base}/pay/{payment_id}`. */
export const GEAR_DEFAULT_BASE_URL = 'https://gateway.gear.mycelium.com';

export interface GearConfig {
  /** The 64-hex API gateway id (§1.1), lower case. */
  gatewayId: string;
  secret: Secret;
  /** No trailing slash. */
  baseUrl: string;
  toJSON?: () => Record<string, string>;
}

const schema = z.object({
  OC_GEAR_GATEWAY_ID: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be the gateway's 64-hex-character API id from the Gear admin panel (not its number)"),
  // HMAC key: any printable ASCII without spaces; Gear generates 64 letters and digits.
  OC_GEAR_SECRET: z.string().regex(/^[\x21-\x7e]{8,256}$/, 'must be the gateway secret (8–256 printable characters, no spaces)'),
  OC_GEAR_BASE_URL: baseUrlSetting('https://gateway.gear.mycelium.com', '', { bare: true }),
});

export const SETTINGS = settingNames(schema);

/** Undefined without either credential (the gateway is off); throws naming the setting when one is missing or invalid. */
export function gearConfigFromEnv(env: Env): GearConfig | undefined {
  if (!bothSet(env, 'OC_GEAR_GATEWAY_ID', 'OC_GEAR_SECRET')) return undefined;
  const s = parseSettings(schema, env);
  const apiId = s.OC_GEAR_GATEWAY_ID.toLowerCase();
  const baseUrl = (s.OC_GEAR_BASE_URL ?? GEAR_DEFAULT_BASE_URL).replace(/\/+$/, '');
  return Object.freeze({
    gatewayId: apiId,
    secret: new Secret(s.OC_GEAR_SECRET),
    baseUrl,
    // The API id is not a secret, but with signing off it is all an order needs: show only its start.
    toJSON: () => ({ gatewayId: `${apiId.slice(0, 6)}…`, secret: '[redacted]', baseUrl }),
  });
}
