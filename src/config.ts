// Parses the OC_* settings once, at the edge, with zod (ARCHITECTURE rule 6): env, optionally a JSON file.
import { z } from 'zod';

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
  OC_REGISTRY_URL: z.string().includes('{ocid}', { message: 'must contain {ocid}' }).optional(),
  OC_ALLOW_HTTP_PEERS: z.enum(['0', '1', 'true', 'false']).default('0'),
  OC_PEER_NEGATIVE_TTL: z.coerce.number().int().min(0).max(86400).default(60),
  OC_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  OC_WEBHOOK_URL: z.url().optional(),
  OC_WEBHOOK_SECRET: z.string().min(1).optional(),
  OC_WEBHOOK_SCHEDULE: z.string().regex(/^\d+(,\d+)*$/, 'comma-separated seconds').optional(),
  OC_SWEEP_INTERVAL: z.coerce.number().int().min(1).default(30),
});

export type RawSettings = z.infer<typeof schema>;

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
  sweepInterval: number;
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
    registryUrl: s.OC_REGISTRY_URL,
    allowHttpPeers: s.OC_ALLOW_HTTP_PEERS === '1' || s.OC_ALLOW_HTTP_PEERS === 'true',
    peerNegativeTtl: s.OC_PEER_NEGATIVE_TTL,
    adminToken: s.OC_ADMIN_TOKEN,
    webhookUrl: s.OC_WEBHOOK_URL,
    webhookSecrets: s.OC_WEBHOOK_SECRET ? s.OC_WEBHOOK_SECRET.split(',').map((x) => x.trim()).filter(Boolean) : [],
    webhookSchedule: s.OC_WEBHOOK_SCHEDULE ? s.OC_WEBHOOK_SCHEDULE.split(',').map(Number) : DEFAULT_WEBHOOK_SCHEDULE,
    sweepInterval: s.OC_SWEEP_INTERVAL,
    gatewayEnv: Object.fromEntries(Object.entries({ ...merged }).map(([k, v]) => [k, String(v)])),
  };
  // Secrets must never reach logs through JSON.stringify(config).
  Object.defineProperty(config, 'toJSON', {
    enumerable: false,
    value: () => ({ ...config, privateKey: config.privateKey ? '[redacted]' : undefined, adminToken: config.adminToken ? '[redacted]' : undefined, webhookSecrets: config.webhookSecrets.map(() => '[redacted]'), gatewayEnv: '[redacted]' }),
  });
  return Object.freeze(config);
}
