// Parsers of single OC_* values beyond the schema: lists, rates, proxy ranges, webhook secrets, file values, the bound URL.
import ipaddr from 'ipaddr.js';
import { shownValue } from './config-issues.ts';
import { ConfigError, type RateSetting } from './config-types.ts';

export function listOf(text: string, name: string, item: RegExp, why: string, problems: string[]): string[] {
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

export function proxyList(text: string): string[] {
  const parts = text.split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of parts)
    if (!isAddressOrRange(p)) throw new ConfigError(`OC_TRUSTED_PROXIES: '${p}' is not an IP address or CIDR range (like 10.0.0.0/8 or ::1)`);
  return parts;
}

const WHSEC = /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;

/** Standard Webhooks secrets: `whsec_` + base64 of at least 24 random bytes (what their libraries accept). */
export function webhookSecrets(text: string | undefined, problems: string[]): string[] {
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
export function fileValue(name: string, v: unknown, path: string, problems: string[]): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(',');
  problems.push(`${name} (in the OC_CONFIG file ${path}): must be a string, a number, a boolean or an array of them`);
  return undefined;
}

/** The public URL when OC_PUBLIC_URL is unset: the address bound (a wildcard host is reached as localhost). */
export function boundUrl(host: string, port: number): string {
  const reach = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${reach}:${port}`;
}
