// The static peers file (PROFILE §5 step 1): parsed once at start-up; a bad file throws, naming file and entry.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parsePublicKey } from '../protocol/keys.ts';
import { parseJsonText } from '../json-text.ts';

/** One known partner. `publicKey` is normalised to the 128-hex form. */
export interface PeerEntry {
  ocid: number;
  publicKey?: string;
  metadataUrl?: string;
  endpoint?: string;
  name?: string;
}

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

// strict(): a misspelt key (`publickey`) must fail loudly rather than silently drop the peer's key.
const entrySchema = z.strictObject({
  ocid: z.int().positive(),
  publicKey: z.string().optional(),
  metadataUrl: httpUrl.optional(),
  endpoint: httpUrl.optional(),
  name: z.string().optional(),
});

/** Pure: validates an already-decoded JSON value. `source` (the file path) goes into every error. */
export function parsePeers(json: unknown, source: string): PeerEntry[] {
  if (!Array.isArray(json)) throw new Error(`${source}: peers file must be a JSON array of peer entries`);
  const seen = new Map<number, number>();
  return json.map((raw: unknown, index) => {
    const where = describeEntry(source, index, raw);
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
      throw new Error(`${where}: ${issues}`);
    }
    const e = parsed.data;
    if (e.publicKey === undefined && e.metadataUrl === undefined && e.endpoint === undefined)
      throw new Error(`${where}: needs at least one of publicKey, metadataUrl, endpoint`);
    const first = seen.get(e.ocid);
    if (first !== undefined) throw new Error(`${where}: duplicate ocid ${e.ocid} (first at entry [${first}])`);
    seen.set(e.ocid, index);
    const entry: PeerEntry = { ocid: e.ocid };
    if (e.publicKey !== undefined) {
      const key = parsePublicKey(e.publicKey);
      if (!key.ok) throw new Error(`${where}: publicKey: ${key.reason}`);
      entry.publicKey = key.hex;
    }
    if (e.metadataUrl !== undefined) entry.metadataUrl = e.metadataUrl;
    if (e.endpoint !== undefined) entry.endpoint = e.endpoint;
    if (e.name !== undefined) entry.name = e.name;
    return Object.freeze(entry);
  });
}

function describeEntry(source: string, index: number, raw: unknown): string {
  const ocid = typeof raw === 'object' && raw !== null ? (raw as { ocid?: unknown }).ocid : undefined;
  // Bounded: the label echoes file content into an error message.
  const label = typeof ocid === 'number' || typeof ocid === 'string' ? ` (ocid ${String(ocid).slice(0, 32)})` : '';
  return `${source}: entry [${index}]${label}`;
}

/** The impure edge: read and decode the file (a syntax error says line and column), then hand it to parsePeers. */
export function loadPeersFile(path: string): PeerEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new Error(`${path}: cannot read peers file (OC_PEERS_FILE)${typeof code === 'string' ? `: ${code}` : ''}`);
  }
  return parsePeers(parseJsonText(text, `OC_PEERS_FILE: ${path}`), path);
}
