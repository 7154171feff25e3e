// metadata.* and capabilities.*: the public metadata document, its config signature, and signed /capabilities.
import { canonicalConfig, canonicalSorted } from '../../protocol/canonical.ts';
import { parsePublicKey } from '../../protocol/keys.ts';
import { verifyCanonical } from '../../protocol/signature.ts';
import { expect, expectJson, fail, isObject, skip } from '../assert.ts';
import { check, type Check } from '../check.ts';

const MERCHANT_CAPABILITIES = ['orders.create', 'orders.status', 'transfer.webhook'];

export const metadataChecks: Check[] = [
  check('metadata.shape', 'GET /metadata.json is public and has the nested layout, version 0.1, a 128-hex key, endpoint, capabilities and settlement', 'docs/profile.md §6; docs/opencharge.md §2.1, §6.1', async (kit) => {
    const e = await kit.plain('GET', '/metadata.json');
    const doc = expectJson(e, 200);
    expect(doc.opencharge === '0.1', `opencharge must be "0.1", got ${JSON.stringify(doc.opencharge)}`, e);
    expect(typeof doc.name === 'string' && doc.name !== '', 'name must be a non-empty string', e);
    const config = isObject(doc.config) ? doc.config : fail('config must be an object (nested layout, docs/opencharge.md §6.1)', e);
    expect(typeof config.publicKey === 'string' && /^[0-9a-f]{128}$/.test(config.publicKey), 'config.publicKey must be 128 lowercase hex (x‖y, no 04)', e);
    expect(parsePublicKey(config.publicKey).ok, 'config.publicKey is not a point on secp256k1', e);
    expect(typeof config.endpoint === 'string' && /^https?:\/\/[^/]+/.test(config.endpoint), 'config.endpoint must be an absolute http(s) URL', e);
    const caps = config.capabilities;
    expect(Array.isArray(caps) && caps.every((c) => typeof c === 'string'), 'config.capabilities must be an array of strings', e);
    const missing = MERCHANT_CAPABILITIES.filter((c) => !(caps as string[]).includes(c));
    expect(missing.length === 0, `config.capabilities lacks ${missing.join(', ')} (the merchant set, docs/opencharge.md §6.3)`, e);
    const s = isObject(config.settlement) ? config.settlement : fail('config.settlement must be an object', e);
    const cur = s.currencies;
    expect(Array.isArray(cur) && cur.length > 0 && cur.every((c) => typeof c === 'string' && /^[A-Z0-9]{3,5}$/.test(c)), 'config.settlement.currencies must be a non-empty array of currency codes', e);
    const acc = s.accepts;
    expect(Array.isArray(acc) && acc.every((a) => Number.isSafeInteger(a) && (a as number) > 0), 'config.settlement.accepts must be an array of OCIDs (positive integers)', e);
    expect(typeof doc.signature === 'string' && /^[0-9a-f]{130}$/.test(doc.signature), 'signature must be 130 lowercase hex (r‖s‖v)', e);
  }),

  check('metadata.config-signature', 'metadata signature verifies over config canonicalised the documented way', 'docs/profile.md §6; docs/opencharge.md §6.4', async (kit) => {
    const m = await kit.facts.metadata();
    if (!m.ok) skip(`metadata unavailable: ${m.reason} (see metadata.shape)`);
    const { config, doc, key, exchange: e } = m;
    if (verifyCanonical(kit.backend, key, canonicalConfig(config), doc.signature).valid) return;
    const jcs = verifyCanonical(kit.backend, key, canonicalSorted(config), doc.signature).valid;
    fail(
      jcs
        ? 'signature verifies over a recursively sorted config (JCS), not JSON.stringify(config, Object.keys(config).sort())'
        : `signature does not verify over JSON.stringify(config, Object.keys(config).sort()) with config.publicKey: ${canonicalConfig(config).slice(0, 200)}`,
      e,
    );
  }),

  check('metadata.endpoint-path', 'config.endpoint has the base path the requests are signed with', 'docs/profile.md §2, §6; docs/opencharge.md §3.2, §6.5', async (kit) => {
    const m = await kit.facts.metadata();
    if (!m.ok) skip(`metadata unavailable: ${m.reason} (see metadata.shape)`);
    let published: string;
    try {
      published = new URL(m.endpoint).pathname.replace(/\/+$/, '');
    } catch {
      fail(`config.endpoint is not a URL: ${JSON.stringify(m.endpoint)}`, m.exchange);
    }
    const here = kit.client.target('').replace(/\/+$/, '');
    expect(published === here, `config.endpoint path is "${published}" but the target answers at "${here}": callers sign the path under config.endpoint`, m.exchange);
  }),

  check('capabilities.shape', 'signed GET /capabilities answers {ocid, name, capabilities, settlement?}', 'docs/opencharge.md §2.2', async (kit) => {
    const e = await kit.signed('GET', '/capabilities');
    const body = expectJson(e, 200);
    expect(Number.isSafeInteger(body.ocid) && (body.ocid as number) > 0, 'ocid must be a positive integer', e);
    const ocid = await kit.facts.merchantOcid();
    if (ocid !== undefined) expect(body.ocid === ocid, `ocid is ${String(body.ocid)}, expected the merchant's ${ocid}`, e);
    expect(typeof body.name === 'string', 'name must be a string', e);
    expect(Array.isArray(body.capabilities) && body.capabilities.every((c) => typeof c === 'string'), 'capabilities must be an array of strings', e);
    if (body.settlement !== undefined) expect(isObject(body.settlement), 'settlement, when present, must be an object', e);
  }),
];
