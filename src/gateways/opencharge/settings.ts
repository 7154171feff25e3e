// Opencharge Merchant Gateway settings: its OC settings parsed once with zod; no secret lives here, the merchant key stays in `deps.signer`.
import { z } from 'zod';
import type { Env } from '../definition.ts';
import { parseBaseUrl, parseSettings, setting, settingNames } from '../kit.ts';
import type { MgTarget } from './wire.ts';

/** No secret lives here: the merchant's key stays inside `deps.signer`. */
export type OpenchargeGatewayConfig = Readonly<MgTarget>;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The MG's base URL with its base path, no trailing slash. https only, except on loopback (a local MG
 * or a test fake): over plain http anyone on the path could swap the redirect_url our customers follow.
 */
function normaliseEndpoint(value: string): string | undefined {
  const url = parseBaseUrl(value, (u) => u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.test(u.hostname)));
  return url && `${url.origin}${url.path}`;
}

const schema = z.object({
  OC_MG_OCID: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be the Merchant Gateway OCID, a positive integer')
    .transform(Number)
    .refine(Number.isSafeInteger, 'must be a safe integer'),
  OC_MG_ENDPOINT: z
    .string({ error: 'is required with OC_MG_OCID: the MG API base URL from its metadata config.endpoint, e.g. https://mg.example/opencharge' })
    .refine((v) => normaliseEndpoint(v) !== undefined, 'must be an https URL (http only on loopback) without credentials, query or fragment, e.g. https://mg.example/opencharge')
    .transform((v) => normaliseEndpoint(v) as string),
});

export const SETTINGS = settingNames(schema);

/** Undefined without either setting (the gateway is off); throws naming the setting when one is missing or invalid. */
export function openchargeConfigFromEnv(env: Env): OpenchargeGatewayConfig | undefined {
  const ocid = setting(env, 'OC_MG_OCID');
  if (ocid === undefined && setting(env, 'OC_MG_ENDPOINT') === undefined) return undefined;
  if (ocid === undefined) throw new Error('OC_MG_OCID is required with OC_MG_ENDPOINT: the Merchant Gateway OCID, a positive integer');
  const s = parseSettings(schema, env);
  return Object.freeze({ ocid: s.OC_MG_OCID, endpoint: s.OC_MG_ENDPOINT });
}
