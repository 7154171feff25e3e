// iumiCash settings: its OC settings parsed once with zod into a frozen config whose client secret never prints (docs/gateways.md §4.1-§4.2).
import { z } from 'zod';
import type { Env } from '../definition.ts';
import { Secret, baseUrlSetting, bothSet, parseSettings, settingNames } from '../kit.ts';

/** docs/gateways.md §4.1: production API host. The sandbox URL comes with the credentials, so it is an override. */
export const IUMICASH_BASE_URL = 'https://api.iumi.cash';

export interface IumiCashConfig {
  clientId: string;
  clientSecret: Secret;
  /** API host, no trailing slash; paths (`/api/v1/…/`) are appended. */
  baseUrl: string;
}

const schema = z.object({
  // Both go into `Basic base64(id:secret)` (§4.2): visible ASCII only, and RFC 7617 forbids a colon in the id.
  OC_IUMICASH_CLIENT_ID: z.string().regex(/^[\x21-\x39\x3b-\x7e]{1,256}$/, 'must be the iumiCash client_id (1–256 visible ASCII characters, no colon)'),
  OC_IUMICASH_CLIENT_SECRET: z.string().regex(/^[\x21-\x7e]{8,512}$/, 'must be the iumiCash client_secret (8–512 visible ASCII characters)'),
  OC_IUMICASH_BASE_URL: baseUrlSetting('https://api.iumi.cash', ' (they go in OC_IUMICASH_CLIENT_ID/_SECRET)', { bare: true }),
});

export const SETTINGS = settingNames(schema);

/** Undefined without either credential (the gateway is off); throws naming the setting when one is missing or invalid. */
export function iumiCashConfigFromEnv(env: Env): IumiCashConfig | undefined {
  if (!bothSet(env, 'OC_IUMICASH_CLIENT_ID', 'OC_IUMICASH_CLIENT_SECRET')) return undefined;
  const s = parseSettings(schema, env);
  const baseUrl = (s.OC_IUMICASH_BASE_URL ?? IUMICASH_BASE_URL).replace(/\/+$/, '');
  return Object.freeze({ clientId: s.OC_IUMICASH_CLIENT_ID, clientSecret: new Secret(s.OC_IUMICASH_CLIENT_SECRET), baseUrl });
}
