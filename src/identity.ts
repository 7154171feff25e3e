// Who this merchant is: the configured key and OCID, or on a development first run a generated one (reported).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from './config.ts';
import type { CryptoBackend } from './protocol/backend.ts';
import { parsePrivateKey, publicKeyHex } from './protocol/keys.ts';
import { generatePrivateKey } from './crypto/select.ts';
import { defaultDataDir } from './store/sqlite-path.ts';
import { keyFromFileText } from './key-file.ts';
import { parseJsonText } from './json-text.ts';

export interface Identity {
  ocid: number;
  privateKey: Uint8Array;
  publicKeyHex: string;
  /** The peers file to use: the configured one, or the development one in ./data. */
  peersFile?: string;
  /** Settlement issuers accepted: OC_ACCEPTS, or the development demo issuer. */
  accepts: number[];
  /** Development-only facts to print loudly at start-up. */
  devNotes: string[];
}

export const DEV_MERCHANT_OCID = 500;
export const DEV_DEMO_OCID = 200;
export const DEV_ISSUER_OCID = 100;

export interface DevIdentity {
  name: string;
  ocid: number;
  privateKey: string;
}

/**
 * The development keys (private keys!) always live in ./data under the working directory, the folder the README
 * names, wherever OC_DATABASE_URL points: never beside an arbitrary database path.
 */
export function devIdentitiesPath(cwd: string): string {
  return resolve(defaultDataDir(cwd), 'dev-identities.json');
}

function readKey(config: Config, cwd: string): string | undefined {
  if (config.privateKey) return config.privateKey;
  if (config.privateKeyFile) {
    const path = resolve(cwd, config.privateKeyFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`OC_PRIVATE_KEY_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const key = keyFromFileText(text);
    if (!key.ok) throw new Error(`OC_PRIVATE_KEY_FILE: ${path} ${key.reason}`);
    return key.hex;
  }
  return undefined;
}

function keyOf(hex: string, setting: string): Uint8Array {
  const k = parsePrivateKey(hex);
  if (!k.ok) throw new Error(`${setting}: ${k.reason}`);
  return k.key;
}

export function resolveIdentity(config: Config, backend: CryptoBackend, cwd: string): Identity {
  const configured = readKey(config, cwd);
  if (configured !== undefined) {
    if (config.ocid === undefined) throw new Error('OC_OCID: required when a private key is configured');
    const privateKey = keyOf(configured, config.privateKey ? 'OC_PRIVATE_KEY' : 'OC_PRIVATE_KEY_FILE');
    return { ocid: config.ocid, privateKey, publicKeyHex: publicKeyHex(backend.publicKey(privateKey)), peersFile: config.peersFile, accepts: config.accepts, devNotes: [] };
  }
  // Development first run (config refuses this path when OC_ENV=production).
  const dir = defaultDataDir(cwd);
  mkdirSync(dir, { recursive: true });
  const idsPath = resolve(dir, 'dev-identities.json');
  const notes: string[] = [];
  let ids: DevIdentity[];
  if (existsSync(idsPath)) ids = parseJsonText(readFileSync(idsPath, 'utf8'), idsPath) as DevIdentity[];
  else {
    ids = [
      { name: 'merchant', ocid: config.ocid ?? DEV_MERCHANT_OCID, privateKey: generatePrivateKey() },
      { name: 'demo', ocid: DEV_DEMO_OCID, privateKey: generatePrivateKey() },
      { name: 'issuer', ocid: DEV_ISSUER_OCID, privateKey: generatePrivateKey() },
    ];
    writeFileSync(idsPath, JSON.stringify(ids, null, 2) + '\n', { mode: 0o600 });
    notes.push(`created development keys in ${idsPath}`);
  }
  const merchant = ids.find((i) => i.name === 'merchant')!;
  const peersPath = resolve(dir, 'dev-peers.json');
  const peers = ids
    .filter((i) => i.name !== 'merchant')
    .map((i) => ({ ocid: i.ocid, name: i.name, publicKey: publicKeyHex(backend.publicKey(keyOf(i.privateKey, idsPath))) }));
  writeFileSync(peersPath, JSON.stringify(peers, null, 2) + '\n');
  const privateKey = keyOf(merchant.privateKey, idsPath);
  notes.push(
    'DEVELOPMENT KEY: this merchant key was generated for local use only; set OC_OCID and OC_PRIVATE_KEY (or OC_ENV=production) for real payments',
    `development peers: demo payment app OCID ${DEV_DEMO_OCID}, demo settlement issuer OCID ${DEV_ISSUER_OCID} (${peersPath})`,
  );
  return {
    ocid: config.ocid ?? merchant.ocid,
    privateKey,
    publicKeyHex: publicKeyHex(backend.publicKey(privateKey)),
    peersFile: config.peersFile ?? peersPath,
    accepts: config.accepts.length > 0 ? config.accepts : [DEV_ISSUER_OCID],
    devNotes: notes,
  };
}
