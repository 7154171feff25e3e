// Who the CLI signs as (a development identity, or any OCID and key) and where the local server is.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { devIdentitiesPath, type DevIdentity } from '../identity.ts';
import { parsePrivateKey } from '../protocol/keys.ts';
import { keyFromFileText } from '../key-file.ts';
import { httpUrl, positiveInt, UsageError, type OptionSpecs, type Values } from './args.ts';
import type { CliIO } from './io.ts';

export const IDENTITY_OPTIONS = {
  as: { type: 'string', value: 'NAME', description: 'sign as a development identity (demo, issuer) from data/dev-identities.json' },
  ocid: { type: 'string', value: 'N', parse: positiveInt, description: 'sign as this OCID, with --key or --key-file' },
  key: { type: 'string', value: 'HEX', description: "its 64-hex private key (visible in shell history and ps: prefer --key-file)" },
  'key-file': { type: 'string', value: 'PATH', description: 'a file holding the 64-hex key, or a .env with OC_PRIVATE_KEY=' },
} satisfies OptionSpecs;

export const URL_OPTION = {
  url: { type: 'string', value: 'URL', parse: httpUrl, description: 'server origin (default http://OC_HOST:OC_PORT, the local server)' },
} satisfies OptionSpecs;

export function readFileArg(io: CliIO, path: string): Buffer {
  try {
    return readFileSync(resolve(io.cwd, path));
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The key text in a --key-file: bare hex, or keygen's .env lines; the parser OC_PRIVATE_KEY_FILE uses too. */
export function keyFromFile(io: CliIO, path: string): string {
  const key = keyFromFileText(readFileArg(io, path).toString('utf8'));
  if (!key.ok) throw new UsageError(`--key-file ${path} ${key.reason}`);
  return key.hex;
}

export interface SigningIdentity {
  ocid: number;
  key: Uint8Array;
  /** How to name it in output: `issuer (OCID 100)`. */
  label: string;
}

function devIdentity(name: string, io: CliIO): { ocid: number; hex: string } {
  const file = devIdentitiesPath(io.cwd);
  let ids: DevIdentity[];
  try {
    ids = JSON.parse(readFileSync(file, 'utf8')) as DevIdentity[];
  } catch {
    throw new UsageError(`--as: no development identities at ${file} (start the server once in development mode, or give --ocid with --key-file)`);
  }
  const id = ids.find((i) => i.name === name);
  if (!id) throw new UsageError(`--as: unknown identity '${name}' (known: ${ids.map((i) => i.name).join(', ')})`);
  return { ocid: id.ocid, hex: id.privateKey };
}

/** --as NAME, or --ocid with --key/--key-file; `fallback` names the development identity used when neither is given. */
export function signingIdentity(v: Values<typeof IDENTITY_OPTIONS>, config: Config, io: CliIO, fallback?: string): SigningIdentity {
  if (v.key !== undefined && v['key-file'] !== undefined) throw new UsageError('give --key or --key-file, not both');
  const keyGiven = v.key !== undefined || v['key-file'] !== undefined;
  if (v.as !== undefined && (v.ocid !== undefined || keyGiven)) throw new UsageError('give --as NAME, or --ocid with --key/--key-file, not both');
  let ocid: number;
  let hex: string;
  let label: string;
  if (v.ocid !== undefined || keyGiven) {
    if (v.ocid === undefined || !keyGiven) throw new UsageError('--ocid needs --key or --key-file, and they need --ocid');
    ocid = v.ocid;
    hex = v.key ?? keyFromFile(io, v['key-file']!);
    label = `OCID ${ocid}`;
  } else {
    const name = v.as ?? fallback;
    if (name === undefined) throw new UsageError('give --as NAME, or --ocid N with --key HEX / --key-file PATH');
    ({ ocid, hex } = devIdentity(name, io));
    label = `${name} (OCID ${ocid})`;
  }
  const key = parsePrivateKey(hex);
  if (!key.ok) throw new UsageError(`${v.key !== undefined ? '--key' : v['key-file'] !== undefined ? '--key-file' : '--as'}: ${key.reason}`);
  return { ocid, key: key.key, label };
}

/** The server's origin: --url, else the address the local server listens on (OC_HOST, OC_PORT). */
export function serverOrigin(url: string | undefined, config: Config): string {
  return url ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
}
