// The OC_* settings schema (zod): every setting the server reads, its default, and the names it knows.
import { isIP } from 'node:net';
import { z } from 'zod';
import { knownNames } from './config-names.ts';

const flag = z.enum(['0', '1', 'true', 'false']).default('0');

/** Every setting the server reads, with its default: the README's configuration table mirrors this (a test checks). */
export const schema = z.object({
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
  OC_CRYPTO_THREADS: z
    .string()
    .refine((v) => v === 'auto' || (/^\d{1,2}$/.test(v) && Number(v) <= 16), 'must be auto, or a number of crypto threads from 0 (all signing on the event loop) to 16')
    .default('auto'),
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
