// A peer's metadata.json (opencharge.md §3.4 step 3, §6): fetch it within limits and read its public key.
import { parsePublicKey } from '../protocol/keys.ts';
import { fetchPeerJson, type FetchPolicy } from './fetch-json.ts';
import { checkFetchUrl, metadataUrlFor } from './url-policy.ts';
import { isRecord } from '../protocol/i-json.ts';

export type MetadataFailure = { ok: false; code: 'METADATA_UNAVAILABLE'; reason: string };
/** `capabilities`: the strings of `config.capabilities` (or a flat `capabilities`), [] when absent (§6.3). */
export type MetadataResult = { ok: true; key: Uint8Array; hex: string; endpoint?: string; capabilities: string[] } | MetadataFailure;

const unavailable = (reason: string): MetadataFailure => ({ ok: false, code: 'METADATA_UNAVAILABLE', reason });


const own = (obj: Record<string, unknown>, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);

/** Pure: the key from nested `config.publicKey` (§6.1), else flat top-level `publicKey` (§6.2); endpoint and capabilities alike. */
export function readMetadata(doc: unknown): MetadataResult {
  if (!isRecord(doc)) return unavailable('metadata is not a JSON object');
  const config = isRecord(own(doc, 'config')) ? (own(doc, 'config') as Record<string, unknown>) : undefined;
  // A nested key that is present but broken is an error, not a reason to try the flat one.
  const nested = config === undefined ? undefined : own(config, 'publicKey');
  const raw = nested !== undefined ? nested : own(doc, 'publicKey');
  if (raw === undefined) return unavailable('metadata has neither config.publicKey nor publicKey');
  const parsed = parsePublicKey(raw);
  if (!parsed.ok) return unavailable(`metadata public key: ${parsed.reason}`);
  const field = (name: string) => (config === undefined ? undefined : own(config, name)) ?? own(doc, name);
  const endpoint = field('endpoint');
  const listed = field('capabilities');
  const capabilities = Array.isArray(listed) ? listed.filter((c): c is string => typeof c === 'string') : [];
  return typeof endpoint === 'string'
    ? { ok: true, key: parsed.key, hex: parsed.hex, endpoint, capabilities }
    : { ok: true, key: parsed.key, hex: parsed.hex, capabilities };
}

/** Never throws on remote input; a URL without `.json` gets `/metadata.json` appended. */
export async function fetchMetadata(url: string, policy: FetchPolicy): Promise<MetadataResult> {
  const check = checkFetchUrl(url, policy.allowHttp ?? false);
  if (!check.ok) return unavailable(check.reason);
  const res = await fetchPeerJson(metadataUrlFor(check.url).href, policy);
  if (!res.ok) return unavailable(res.reason);
  return readMetadata(res.json);
}
