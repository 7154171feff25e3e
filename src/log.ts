// Logs as pino lines (numeric level, time, msg, pid, hostname), secrets redacted by field name, per-request fields.
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /**
   * Runs `fn` with `fields` added to every line this logger writes until fn settles, from any code it calls
   * (the request id: use cases, gateways and the peer resolver log through the same logger without passing it).
   */
  withFields<T>(fields: Record<string, unknown>, fn: () => T): T;
}

/**
 * Field names whose values never reach a log line, one group per secret kind. Matched exactly (pino `redact`
 * paths), at the top level and two levels down (`headers.authorization`, `req.headers.cookie`).
 */
export const SECRET_FIELDS = {
  privateKey: ['privateKey', 'private_key', 'OC_PRIVATE_KEY'],
  adminToken: ['adminToken', 'OC_ADMIN_TOKEN', 'token', 'bearer'],
  webhookSecret: ['webhookSecret', 'webhookSecrets', 'secrets', 'OC_WEBHOOK_SECRET'],
  gatewayCredentials: [
    'apiKey', 'api_key', 'x-api-key', 'apiToken', 'apiSecret', 'secret', 'clientSecret', 'client_secret', 'accessToken', 'access_token', 'password',
    'OC_COINGATE_TOKEN', 'OC_GEAR_SECRET', 'OC_IUMICASH_CLIENT_SECRET', 'OC_MUGGLEPAY_TOKEN',
  ],
  sessionCookie: ['cookie', 'Cookie', 'set-cookie', 'Set-Cookie', 'oc_console', 'session'],
  authorization: ['authorization', 'Authorization', 'proxy-authorization'],
} as const;

const REDACTED = '[redacted]';

function redactPaths(): string[] {
  const names = Object.values(SECRET_FIELDS).flat();
  const key = (n: string) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : `["${n}"]`);
  const join = (prefix: string, n: string) => (key(n).startsWith('[') ? prefix + key(n) : `${prefix}.${n}`);
  return names.flatMap((n) => [key(n), join('*', n), join('*.*', n)]);
}

/** An Error becomes {name, message}: stacks and attached properties (a request with headers) stay out. */
const errorFields = (v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v);

export interface LoggerOptions {
  level: LogLevel;
  /** json (default): one pino line per entry; pretty: pino-pretty, for development. */
  format?: LogFormat;
  /** Where lines go: stderr (synchronously) by default. */
  stream?: DestinationStream;
}

export function createLogger(o: LoggerOptions): Logger {
  const scope = new AsyncLocalStorage<Record<string, unknown>>();
  // Synchronous writes: a line is out before the process can die, and pretty output interleaves correctly.
  const stream = o.stream ?? (o.format === 'pretty' ? pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss.l' }) : pino.destination({ dest: 2, sync: true }));
  const p = pino(
    {
      level: o.level,
      redact: { paths: redactPaths(), censor: REDACTED },
      serializers: { error: errorFields, err: errorFields },
      mixin: () => scope.getStore() ?? {},
    },
    stream,
  );
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => (fields ? p[level](fields, msg) : p[level](msg));
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    withFields: (fields, fn) => scope.run({ ...scope.getStore(), ...fields }, fn),
  };
}

/** A logger that keeps its lines in memory (tests, redaction checks): the same pino lines as on stderr. */
export function createMemoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level, stream: { write: (line: string) => void lines.push(line.trimEnd()) } }), { lines });
}
