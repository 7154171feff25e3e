// The parsed configuration's shape (Config), where it came from, and the error a misconfiguration raises.

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
  /** Threads that sign and verify for the hot path (OC_CRYPTO_THREADS); auto: one per core (≤ 8) with noble, none with native. */
  cryptoThreads: 'auto' | number;
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

/** About three days in total: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h, 24 h, with equal jitter (src/notify/schedule.ts). */
export const DEFAULT_WEBHOOK_SCHEDULE = [10, 60, 300, 1800, 7200, 21600, 43200, 86400, 86400];

/** A start-up misconfiguration: every line names the setting and says how to fix it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

/** The layers under the real environment, each with where it came from (the environment wins, then `.env`, then the file). */
export interface ConfigLayers {
  dotenv?: { path: string; values: Env };
  file?: { path: string; values: Record<string, unknown> };
}
