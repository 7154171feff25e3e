// Parses the OC_* settings once, at the edge, with zod (ARCHITECTURE rule 6): environment, `.env` file, OC_CONFIG file.
import { isIP } from 'node:net';
import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { knownNames, unknownNames } from './config-names.ts';
import { describeIssue, shownValue } from './config-issues.ts';

const flag = z.enum(['0', '1', 'true', 'false']).default('0');

/** Every setting the server reads, with its default: the README's configuration table mirrors this (a test checks). */
const schema = z.object({
  OC_ENV: z.enum(['development', 'production', 'test']).default('development'),
  OC_CONFIG: z.string().min(1).optional(),
  OC_OCID: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  OC_PRIVATE_KEY: z.string().min(1).optional(),
  OC_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  OC_DATABASE_URL: z.string().min(1).default('file:./data/opencharge.db'),
  OC_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  OC_HOST: z
    .string()
    .refine(isListenHost, 'must be an IP address (127.0.0.1 for this machine only, 0.0.0.0 or :: for every interface) or a host name')
    .default('127.0.0.1'),
  OC_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  OC_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  OC_ALLOW_HTTP_PUBLIC_URL: flag,
  OC_BASE_PATH: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'must be empty or start with / and have no trailing slash')
    .default('/opencharge'),
  OC_TIMESTAMP_WINDOW: z.coerce.number().int().min(1).max(3600).default(300),
  OC_ORDER_TTL: z.coerce.number().int().min(1).default(3600),
  OC_ORDER_MAX_TTL: z.coerce.number().int().min(1).default(86400),
  OC_ACCEPTS: z.string().default(''),
  OC_CURRENCIES: z.string().default('USD'),
  OC_PEERS_FILE: z.string().min(1).optional(),
  OC_INVENTORY_FILE: z.string().min(1).optional(),
  OC_COMPLETED_URL: z.url().optional(),
  OC_CANCELLED_URL: z.url().optional(),
  OC_NAME: z.string().min(1).default('Opencharge merchant'),
  OC_CONTACT: z.string().min(1).optional(),
  OC_CRYPTO: z.enum(['auto', 'noble', 'native']).default('auto'),
  OC_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  OC_LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  OC_REGISTRY_URL: z.string().includes('{ocid}', { message: 'must contain {ocid}' }).optional(),
  OC_ALLOW_HTTP_PEERS: flag,
  OC_PEER_NEGATIVE_TTL: z.coerce.number().int().min(0).max(86400).default(60),
  OC_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  OC_WEBHOOK_URL: z.url().optional(),
  OC_WEBHOOK_SECRET: z.string().min(1).optional(),
  OC_WEBHOOK_SCHEDULE: z.string().regex(/^\d+(,\d+)*$/, 'comma-separated seconds').optional(),
  OC_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  OC_SWEEP_INTERVAL: z.coerce.number().int().min(1).default(30),
  OC_RATE_LIMIT: z.string().default('100/500'),
  OC_RATE_LIMIT_IP: z.string().default('200/1000'),
  OC_TRUSTED_PROXIES: z.string().default(''),
  OC_METRICS: flag,
});

/** Every OC_* name that means something: the schema's keys (settings added there are known at once) and the gateways'. */
export const KNOWN_NAMES = knownNames(Object.keys(schema.shape));

/** An IP address, or a name (resolved at start-up; a dotted-number name like 999.1.1.1 is a typo, not a name). */
function isListenHost(host: string): boolean {
  if (isIP(host) !== 0) return true;
  return !/^[\d.]+$/.test(host) && /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(host);
}

export type RawSettings = z.infer<typeof schema>;

/** A token-bucket-like limit: `rate` requests per second on average, at most `burst` in one window of burst/rate s. */
export interface RateSetting {
  rate: number;
  burst: number;
}

/** Where the settings came from (for the start-up banner). */
export interface ConfigSources {
  /** The `.env` file read, when there was one. */
  envFile?: string;
  /** Names in it that are not OC_* (ignored: only OC_* settings are read from `.env`). */
  envFileIgnored: string[];
  /** The OC_CONFIG file read, when set. */
  configFile?: string;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  ocid?: number;
  privateKey?: string;
  privateKeyFile?: string;
  databaseUrl: string;
  /** PostgreSQL connections per instance (OC_DATABASE_POOL_SIZE); SQLite ignores it. */
  databasePoolSize: number;
  host: string;
  /** OC_PORT; after start-up (boundConfig) the port actually bound, also when OC_PORT=0. */
  port: number;
  /** OC_PUBLIC_URL, or else the address bound (http://OC_HOST:port, localhost for a wildcard host). */
  publicUrl: string;
  publicUrlSource: 'OC_PUBLIC_URL' | 'bound address';
  basePath: string;
  /** publicUrl + OC_BASE_PATH: `config.endpoint` and the prefix of `urls.order`. */
  publicBaseUrl: string;
  timestampWindow: number;
  orderTtl: number;
  orderMaxTtl: number;
  accepts: number[];
  currencies: string[];
  peersFile?: string;
  inventoryFile?: string;
  completedUrl?: string;
  cancelledUrl?: string;
  name: string;
  contact?: string;
  crypto: 'auto' | 'noble' | 'native';
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** json: pino lines for log shippers; pretty: pino-pretty for a developer's terminal. */
  logFormat: 'json' | 'pretty';
  registryUrl?: string;
  allowHttpPeers: boolean;
  /** Seconds a failed key lookup is remembered (no new fetch for that OCID meanwhile); 0 disables. */
  peerNegativeTtl: number;
  adminToken?: string;
  webhookUrl?: string;
  /** Several secrets (comma-separated) are all used to sign during a rotation. */
  webhookSecrets: string[];
  /** Seconds to wait before each retry; the delivery fails after the last one. */
  webhookSchedule: number[];
  /** How many notifications may be in flight at once. */
  webhookConcurrency: number;
  sweepInterval: number;
  /** Per caller OCID after authentication (OC_RATE_LIMIT); undefined = off. */
  rateLimit?: RateSetting;
  /** Per client address before authentication (OC_RATE_LIMIT_IP); undefined = off. */
  rateLimitIp?: RateSetting;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed (OC_TRUSTED_PROXIES). */
  trustedProxies: string[];
  /** OC_METRICS: GET /metrics answers anyone; otherwise it needs the admin token (and is off without one). */
  publicMetrics: boolean;
  /** The merged OC_* settings, for gateway settings each gateway parses itself. */
  gatewayEnv: Record<string, string | undefined>;
  sources: ConfigSources;
}

/** About three days in total: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h, 24 h (prior-art §10). */
export const DEFAULT_WEBHOOK_SCHEDULE = [10, 60, 300, 1800, 7200, 21600, 43200, 86400, 86400];

/** A start-up misconfiguration: every line names the setting and says how to fix it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** The layers under the real environment, each with where it came from (the environment wins, then `.env`, then the file). */
export interface ConfigLayers {
  dotenv?: { path: string; values: Env };
  file?: { path: string; values: Record<string, unknown> };
}

function listOf(text: string, name: string, item: RegExp, why: string, problems: string[]): string[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) if (!item.test(p)) problems.push(`${name}: ${shownValue(name, p)} is not valid: ${why}`);
  return parts;
}

const RATE_RE = /^(\d{1,7})(?:\/(\d{1,7}))?$/;

/** `rate` or `rate/burst` (burst defaults to 5 × rate); `0` turns the limit off. */
export function parseRate(text: string, name: string): RateSetting | undefined {
  const m = RATE_RE.exec(text.trim());
  const hint = `use requests per second, optionally with a burst, like 100 or 100/500 (0 turns the limit off)`;
  if (!m) throw new ConfigError(`${name}: '${text}' is not valid: ${hint}`);
  const rate = Number(m[1]);
  if (rate === 0 && m[2] === undefined) return undefined;
  const burst = m[2] === undefined ? rate * 5 : Number(m[2]);
  if (rate === 0) throw new ConfigError(`${name}: '${text}' is not valid: a rate of 0 takes no burst (0 alone turns the limit off)`);
  if (burst < rate) throw new ConfigError(`${name}: '${text}' is not valid: the burst (${burst}) must be at least the rate (${rate})`);
  return { rate, burst };
}

/** A plain dotted-quad IPv4 or an IPv6 address, optionally with a /prefix. */
function isAddressOrRange(text: string): boolean {
  const [addr = '', bits, extra] = text.split('/');
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(addr);
  if (!v4 && !ipaddr.IPv6.isValid(addr)) return false;
  if (bits === undefined) return true;
  return extra === undefined && /^\d{1,3}$/.test(bits) && Number(bits) <= (v4 ? 32 : 128);
}

function proxyList(text: string): string[] {
  const parts = text.split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of parts)
    if (!isAddressOrRange(p)) throw new ConfigError(`OC_TRUSTED_PROXIES: '${p}' is not an IP address or CIDR range (like 10.0.0.0/8 or ::1)`);
  return parts;
}

const WHSEC = /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;

/** Standard Webhooks secrets: `whsec_` + base64 of at least 24 random bytes (what their libraries accept). */
function webhookSecrets(text: string | undefined, problems: string[]): string[] {
  const secrets = text ? text.split(',').map((x) => x.trim()).filter(Boolean) : [];
  secrets.forEach((secret, i) => {
    const b64 = WHSEC.exec(secret)?.[1];
    const which = secrets.length > 1 ? ` (secret ${i + 1} of ${secrets.length})` : '';
    if (b64 === undefined || Buffer.from(b64, 'base64').length < 24)
      problems.push(
        `OC_WEBHOOK_SECRET: must be a Standard Webhooks secret, whsec_ followed by the base64 of at least 24 random bytes${which}; make one with \`opencharge-merchant keygen --webhook-secret\``,
      );
  });
  return secrets;
}

/** File values are JSON: strings as they are, numbers and booleans as text, arrays comma-joined (OC_ACCEPTS: [100, 101]). */
function fileValue(name: string, v: unknown, path: string, problems: string[]): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(',');
  problems.push(`${name} (in the OC_CONFIG file ${path}): must be a string, a number, a boolean or an array of them`);
  return undefined;
}

/** The public URL when OC_PUBLIC_URL is unset: the address bound (a wildcard host is reached as localhost). */
function boundUrl(host: string, port: number): string {
  const reach = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${reach}:${port}`;
}

/**
 * Pure: the environment, `.env` and OC_CONFIG file values (the environment wins) → frozen Config. Throws one
 * ConfigError listing every problem, each naming its setting: unknown names, bad values, missing production settings.
 */
export function loadConfig(env: Env, layers: ConfigLayers = {}): Config {
  const problems: string[] = [];
  const ocNames = (o: object) => Object.keys(o).filter((k) => k.startsWith('OC_'));
  problems.push(...unknownNames(ocNames(env), KNOWN_NAMES, 'in the environment'));
  if (layers.dotenv) problems.push(...unknownNames(ocNames(layers.dotenv.values), KNOWN_NAMES, `in ${layers.dotenv.path}`));
  const merged: Record<string, string> = {};
  if (layers.file) {
    const { path, values } = layers.file;
    problems.push(...unknownNames(Object.keys(values), KNOWN_NAMES, `in the OC_CONFIG file ${path}`));
    if ('OC_CONFIG' in values) problems.push(`OC_CONFIG (in the OC_CONFIG file ${path}): set it in the environment or .env, not inside the file it names`);
    for (const [k, v] of Object.entries(values)) {
      const text = fileValue(k, v, path, problems);
      if (text !== undefined && k.startsWith('OC_')) merged[k] = text;
    }
  }
  for (const source of [layers.dotenv?.values ?? {}, env])
    for (const [k, v] of Object.entries(source)) if (k.startsWith('OC_') && v !== undefined && v !== '') merged[k] = v;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'config');
      problems.push(`${name}: ${describeIssue(name, schema.shape[name as keyof RawSettings], issue, merged[name])}`);
    }
  }
  if (!parsed.success) throw new ConfigError(problems.join('\n'));
  const s = parsed.data;
  const check = (ok: unknown, problem: string) => ok || problems.push(problem);
  check(!(s.OC_PRIVATE_KEY && s.OC_PRIVATE_KEY_FILE), 'OC_PRIVATE_KEY and OC_PRIVATE_KEY_FILE: set only one');
  check(s.OC_ORDER_TTL <= s.OC_ORDER_MAX_TTL, 'OC_ORDER_TTL: must not exceed OC_ORDER_MAX_TTL');
  check(!s.OC_WEBHOOK_URL || s.OC_WEBHOOK_SECRET, 'OC_WEBHOOK_SECRET: required when OC_WEBHOOK_URL is set; make one with `opencharge-merchant keygen --webhook-secret`');
  const accepts = listOf(s.OC_ACCEPTS, 'OC_ACCEPTS', /^[1-9]\d{0,15}$/, 'an OCID is a positive whole number, e.g. 100', problems).map(Number);
  const currencies = listOf(s.OC_CURRENCIES, 'OC_CURRENCIES', /^[A-Z0-9]{3,5}$/, 'a currency code is 3 to 5 upper-case letters or digits, e.g. USD', problems);
  check(currencies.length > 0, 'OC_CURRENCIES: at least one currency is required, e.g. OC_CURRENCIES=USD');
  const secrets = webhookSecrets(s.OC_WEBHOOK_SECRET, problems);
  if (s.OC_PUBLIC_URL) {
    const u = new URL(s.OC_PUBLIC_URL);
    check(
      u.pathname === '/' && !u.search && !u.hash,
      `OC_PUBLIC_URL: must be an origin only (scheme://host[:port]), got ${shownValue('OC_PUBLIC_URL', s.OC_PUBLIC_URL)}: the path clients sign is OC_BASE_PATH, so put any path there`,
    );
  }
  if (s.OC_ENV === 'production') productionChecks(s, accepts, check);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const publicUrl = s.OC_PUBLIC_URL?.replace(/\/+$/, '') ?? boundUrl(s.OC_HOST, s.OC_PORT);
  return freeze({
    env: s.OC_ENV,
    ocid: s.OC_OCID,
    privateKey: s.OC_PRIVATE_KEY,
    privateKeyFile: s.OC_PRIVATE_KEY_FILE,
    databaseUrl: s.OC_DATABASE_URL,
    databasePoolSize: s.OC_DATABASE_POOL_SIZE,
    host: s.OC_HOST,
    port: s.OC_PORT,
    publicUrl,
    publicUrlSource: s.OC_PUBLIC_URL ? 'OC_PUBLIC_URL' : 'bound address',
    basePath: s.OC_BASE_PATH,
    publicBaseUrl: publicUrl + s.OC_BASE_PATH,
    timestampWindow: s.OC_TIMESTAMP_WINDOW,
    orderTtl: s.OC_ORDER_TTL,
    orderMaxTtl: s.OC_ORDER_MAX_TTL,
    accepts,
    currencies,
    peersFile: s.OC_PEERS_FILE,
    inventoryFile: s.OC_INVENTORY_FILE,
    completedUrl: s.OC_COMPLETED_URL,
    cancelledUrl: s.OC_CANCELLED_URL,
    name: s.OC_NAME,
    contact: s.OC_CONTACT,
    crypto: s.OC_CRYPTO,
    logLevel: s.OC_LOG_LEVEL,
    logFormat: s.OC_LOG_FORMAT,
    registryUrl: s.OC_REGISTRY_URL,
    allowHttpPeers: s.OC_ALLOW_HTTP_PEERS === '1' || s.OC_ALLOW_HTTP_PEERS === 'true',
    peerNegativeTtl: s.OC_PEER_NEGATIVE_TTL,
    adminToken: s.OC_ADMIN_TOKEN,
    webhookUrl: s.OC_WEBHOOK_URL,
    webhookSecrets: secrets,
    webhookSchedule: s.OC_WEBHOOK_SCHEDULE ? s.OC_WEBHOOK_SCHEDULE.split(',').map(Number) : DEFAULT_WEBHOOK_SCHEDULE,
    webhookConcurrency: s.OC_WEBHOOK_CONCURRENCY,
    sweepInterval: s.OC_SWEEP_INTERVAL,
    rateLimit: parseRate(s.OC_RATE_LIMIT, 'OC_RATE_LIMIT'),
    rateLimitIp: parseRate(s.OC_RATE_LIMIT_IP, 'OC_RATE_LIMIT_IP'),
    trustedProxies: proxyList(s.OC_TRUSTED_PROXIES),
    publicMetrics: s.OC_METRICS === '1' || s.OC_METRICS === 'true',
    gatewayEnv: merged,
    sources: { envFile: layers.dotenv?.path, envFileIgnored: Object.keys(layers.dotenv?.values ?? {}).filter((k) => !k.startsWith('OC_')), configFile: layers.file?.path },
  });
}

/** A production start that nobody could call or pay is refused (each message names the setting and the fix). */
function productionChecks(s: RawSettings, accepts: number[], check: (ok: unknown, problem: string) => unknown): void {
  check(s.OC_OCID !== undefined, 'OC_OCID: required when OC_ENV=production');
  check(
    s.OC_PRIVATE_KEY || s.OC_PRIVATE_KEY_FILE,
    'OC_PRIVATE_KEY or OC_PRIVATE_KEY_FILE: required when OC_ENV=production (no key is ever generated in production; make one with `opencharge-merchant keygen`)',
  );
  const allowHttp = s.OC_ALLOW_HTTP_PUBLIC_URL === '1' || s.OC_ALLOW_HTTP_PUBLIC_URL === 'true';
  if (!s.OC_PUBLIC_URL)
    check(false, 'OC_PUBLIC_URL: required when OC_ENV=production: the https:// origin payment apps reach this server at, e.g. OC_PUBLIC_URL=https://pay.example.com (it is signed into metadata.json and every order)');
  else
    check(
      s.OC_PUBLIC_URL.startsWith('https://') || allowHttp,
      `OC_PUBLIC_URL: must be https:// when OC_ENV=production, got ${shownValue('OC_PUBLIC_URL', s.OC_PUBLIC_URL)}; behind a TLS-ending proxy give the proxy's https:// address, and set OC_ALLOW_HTTP_PUBLIC_URL=1 only if payment apps really reach this server over plain HTTP`,
    );
  check(
    accepts.length > 0,
    'OC_ACCEPTS: required when OC_ENV=production: the OCIDs of the settlement issuers whose transfer proofs pay your orders, comma-separated, e.g. OC_ACCEPTS=100 (with none, no order can be paid)',
  );
  check(
    s.OC_PEERS_FILE || s.OC_REGISTRY_URL,
    "OC_PEERS_FILE or OC_REGISTRY_URL: required when OC_ENV=production: without a peers file or a registry no caller's public key can be found, so every signed request is refused",
  );
}

/** The config once the server is listening: `port` is the port bound (OC_PORT=0 picks one) and a default public URL uses it. */
export function boundConfig(config: Config, port: number): Config {
  const publicUrl = config.publicUrlSource === 'OC_PUBLIC_URL' ? config.publicUrl : boundUrl(config.host, port);
  return freeze({ ...config, port, publicUrl, publicBaseUrl: publicUrl + config.basePath });
}

function freeze(config: Config): Config {
  // Secrets must never reach logs through JSON.stringify(config).
  Object.defineProperty(config, 'toJSON', {
    enumerable: false,
    value: () => ({ ...config, privateKey: config.privateKey ? '[redacted]' : undefined, adminToken: config.adminToken ? '[redacted]' : undefined, webhookSecrets: config.webhookSecrets.map(() => '[redacted]'), gatewayEnv: '[redacted]' }),
  });
  return Object.freeze(config);
}
