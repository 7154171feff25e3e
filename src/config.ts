// Parses the OC_* settings once, at the edge, with zod (ARCHITECTURE rule 6): env, optionally a JSON file.
import { z } from 'zod';
import ipaddr from 'ipaddr.js';

/** Every setting the server reads, with its default: the README's configuration table mirrors this. */
const schema = z.object({
  OC_ENV: z.enum(['development', 'production', 'test']).default('development'),
  OC_OCID: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  OC_PRIVATE_KEY: z.string().min(1).optional(),
  OC_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  OC_DATABASE_URL: z.string().min(1).default('file:./data/opencharge.db'),
  OC_HOST: z.string().min(1).default('127.0.0.1'),
  OC_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  OC_PUBLIC_URL: z.url().default('http://localhost:8787'),
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
  OC_ALLOW_HTTP_PEERS: z.enum(['0', '1', 'true', 'false']).default('0'),
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
});

export type RawSettings = z.infer<typeof schema>;

/** A token-bucket-like limit: `rate` requests per second on average, at most `burst` in one window of burst/rate s. */
export interface RateSetting {
  rate: number;
  burst: number;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  ocid?: number;
  privateKey?: string;
  privateKeyFile?: string;
  databaseUrl: string;
  host: string;
  port: number;
  publicUrl: string;
  basePath: string;
  /** OC_PUBLIC_URL + OC_BASE_PATH: `config.endpoint` and the prefix of `urls.order`. */
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
  /** The raw environment, for gateway settings each gateway parses itself. */
  gatewayEnv: Record<string, string | undefined>;
}

/** About three days in total: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h, 24 h (prior-art §10). */
export const DEFAULT_WEBHOOK_SCHEDULE = [10, 60, 300, 1800, 7200, 21600, 43200, 86400, 86400];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function listOf(text: string, name: string, item: RegExp): string[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) if (!item.test(p)) throw new ConfigError(`${name}: '${p}' is not valid`);
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

/**
 * Pure: env (and the parsed OC_CONFIG file's object, whose keys are the same OC_* names; env wins)
 * → frozen Config. Throws ConfigError naming the setting.
 */
export function loadConfig(env: Record<string, string | undefined>, file: Record<string, unknown> = {}): Config {
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(file)) if (k.startsWith('OC_')) merged[k] = typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : String(v);
  for (const [k, v] of Object.entries(env)) if (k.startsWith('OC_') && v !== undefined && v !== '') merged[k] = v;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0] ?? 'config')}: ${issue.message}`);
  }
  const s = parsed.data;
  if (s.OC_PRIVATE_KEY && s.OC_PRIVATE_KEY_FILE) throw new ConfigError('OC_PRIVATE_KEY and OC_PRIVATE_KEY_FILE: set only one');
  if (s.OC_ORDER_TTL > s.OC_ORDER_MAX_TTL) throw new ConfigError('OC_ORDER_TTL: must not exceed OC_ORDER_MAX_TTL');
  if (s.OC_WEBHOOK_URL && !s.OC_WEBHOOK_SECRET) throw new ConfigError('OC_WEBHOOK_SECRET: required when OC_WEBHOOK_URL is set');
  if (s.OC_ENV === 'production') {
    if (s.OC_OCID === undefined) throw new ConfigError('OC_OCID: required when OC_ENV=production');
    if (!s.OC_PRIVATE_KEY && !s.OC_PRIVATE_KEY_FILE)
      throw new ConfigError('OC_PRIVATE_KEY or OC_PRIVATE_KEY_FILE: required when OC_ENV=production (no key is ever generated in production)');
  }
  const accepts = listOf(s.OC_ACCEPTS, 'OC_ACCEPTS', /^[1-9]\d{0,15}$/).map(Number);
  const currencies = listOf(s.OC_CURRENCIES, 'OC_CURRENCIES', /^[A-Z0-9]{3,5}$/);
  if (currencies.length === 0) throw new ConfigError('OC_CURRENCIES: at least one currency is required');
  const publicUrl = s.OC_PUBLIC_URL.replace(/\/+$/, '');
  const config: Config = {
    env: s.OC_ENV,
    ocid: s.OC_OCID,
    privateKey: s.OC_PRIVATE_KEY,
    privateKeyFile: s.OC_PRIVATE_KEY_FILE,
    databaseUrl: s.OC_DATABASE_URL,
    host: s.OC_HOST,
    port: s.OC_PORT,
    publicUrl,
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
    webhookSecrets: s.OC_WEBHOOK_SECRET ? s.OC_WEBHOOK_SECRET.split(',').map((x) => x.trim()).filter(Boolean) : [],
    webhookSchedule: s.OC_WEBHOOK_SCHEDULE ? s.OC_WEBHOOK_SCHEDULE.split(',').map(Number) : DEFAULT_WEBHOOK_SCHEDULE,
    webhookConcurrency: s.OC_WEBHOOK_CONCURRENCY,
    sweepInterval: s.OC_SWEEP_INTERVAL,
    rateLimit: parseRate(s.OC_RATE_LIMIT, 'OC_RATE_LIMIT'),
    rateLimitIp: parseRate(s.OC_RATE_LIMIT_IP, 'OC_RATE_LIMIT_IP'),
    trustedProxies: proxyList(s.OC_TRUSTED_PROXIES),
    gatewayEnv: Object.fromEntries(Object.entries({ ...merged }).map(([k, v]) => [k, String(v)])),
  };
  // Secrets must never reach logs through JSON.stringify(config).
  Object.defineProperty(config, 'toJSON', {
    enumerable: false,
    value: () => ({ ...config, privateKey: config.privateKey ? '[redacted]' : undefined, adminToken: config.adminToken ? '[redacted]' : undefined, webhookSecrets: config.webhookSecrets.map(() => '[redacted]'), gatewayEnv: '[redacted]' }),
  });
  return Object.freeze(config);
}
