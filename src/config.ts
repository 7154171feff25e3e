// Parses the OC_* settings once, at the edge, with zod (docs/architecture.md rule 6): environment, `.env` file, OC_CONFIG file.
import { unknownNames } from './config-names.ts';
import { describeIssue, shownValue } from './config-issues.ts';
import { KNOWN_NAMES, schema, type RawSettings } from './config-schema.ts';
import { ConfigError, DEFAULT_WEBHOOK_SCHEDULE, type Config, type ConfigLayers, type Env } from './config-types.ts';
import { boundUrl, fileValue, listOf, parseRate, proxyList, webhookSecrets } from './config-values.ts';

export { KNOWN_NAMES, type RawSettings } from './config-schema.ts';
export { ConfigError, DEFAULT_WEBHOOK_SCHEDULE, type Config, type ConfigLayers, type ConfigSources, type RateSetting } from './config-types.ts';
export { parseRate } from './config-values.ts';

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
    cryptoThreads: s.OC_CRYPTO_THREADS === 'auto' ? 'auto' : Number(s.OC_CRYPTO_THREADS),
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
