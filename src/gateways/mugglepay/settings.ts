// MugglePay settings: its OC settings parsed once with zod into a config whose token never prints (docs/gateways.md §3.1).
import { z } from 'zod';
import type { Env } from '../definition.ts';
import { Secret, parseBaseUrl, parseSettings, setting, settingNames } from '../kit.ts';

export const PRODUCTION_BASE_URL = 'https://api.mugglepay.com/v1';

export interface MugglePayConfig {
  /** API root including the version, e.g. https://api.mugglepay.com/v1. */
  baseUrl: string;
  /** The `token` header value from merchants.mugglepay.com. */
  apiToken: Secret;
}

/** Accepts the API root with or without `/v1` (a bare host gets `/v1`, as the SDKs' base URL has it). */
function normaliseBaseUrl(value: string): string | undefined {
  const url = parseBaseUrl(value, (u) => u.protocol === 'https:' || u.protocol === 'http:');
  return url && `${url.origin}${url.path === '' ? '/v1' : url.path}`;
}

const schema = z.object({
  OC_MUGGLEPAY_TOKEN: z.string().regex(/^[\x21-\x7e]{8,512}$/, 'is invalid: must be the API token from merchants.mugglepay.com (8-512 visible ASCII characters, no spaces)'),
  OC_MUGGLEPAY_BASE_URL: z
    .string()
    .refine((v) => normaliseBaseUrl(v) !== undefined, 'is invalid: must be an http(s) URL without credentials, query or fragment')
    .transform((v) => normaliseBaseUrl(v) as string)
    .default(PRODUCTION_BASE_URL),
});

export const SETTINGS = settingNames(schema);

/** Undefined without a token (the gateway is off); throws naming the setting when one is invalid. */
export function mugglePayConfigFromEnv(env: Env): MugglePayConfig | undefined {
  if (setting(env, 'OC_MUGGLEPAY_TOKEN') === undefined) return undefined;
  const s = parseSettings(schema, env);
  return { baseUrl: s.OC_MUGGLEPAY_BASE_URL, apiToken: new Secret(s.OC_MUGGLEPAY_TOKEN) };
}
