// The index/registry lookup (PROFILE §5 step 3, opencharge.md §3.4): GET the template with {ocid} → {metadataUrl}.
import { fetchPeerJson, type FetchPolicy } from './fetch-json.ts';
import { checkFetchUrl } from './url-policy.ts';

export type RegistryResult =
  | { ok: true; metadataUrl: string }
  | { ok: false; code: 'UNKNOWN_OCID' | 'METADATA_UNAVAILABLE'; reason: string };

export function registryUrlFor(template: string, ocid: number): string {
  return template.replaceAll('{ocid}', String(ocid));
}

/** Start-up check: the template must name {ocid} and pass the same URL policy as every fetch. */
export function checkRegistryTemplate(template: string, allowHttp: boolean): void {
  if (!template.includes('{ocid}')) throw new Error(`registry URL template must contain {ocid}: ${template}`);
  const check = checkFetchUrl(registryUrlFor(template, 1), allowHttp);
  if (!check.ok) throw new Error(`registry URL template is not usable: ${check.reason}`);
}

export async function lookupRegistry(template: string, ocid: number, policy: FetchPolicy): Promise<RegistryResult> {
  const res = await fetchPeerJson(registryUrlFor(template, ocid), policy);
  if (!res.ok) {
    // Only an explicit 404 means "no such OCID"; anything else is the registry failing us.
    if (res.status === 404) return { ok: false, code: 'UNKNOWN_OCID', reason: `OCID ${ocid} is not in the registry` };
    return { ok: false, code: 'METADATA_UNAVAILABLE', reason: `registry: ${res.reason}` };
  }
  const body = res.json;
  const metadataUrl = typeof body === 'object' && body !== null && Object.hasOwn(body, 'metadataUrl')
    ? (body as { metadataUrl: unknown }).metadataUrl
    : undefined;
  if (typeof metadataUrl !== 'string' || metadataUrl === '')
    return { ok: false, code: 'METADATA_UNAVAILABLE', reason: 'registry answer has no metadataUrl string' };
  return { ok: true, metadataUrl };
}
