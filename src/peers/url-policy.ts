// Which URLs key resolution may fetch (PROFILE §5, §7): HTTPS, or plain HTTP to loopback only when allowed.
import { isIP } from 'node:net';
import { checkAddress, type AddressRule } from './address-policy.ts';

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** 127.0.0.0/8, localhost and [::1]. WHATWG URL parsing has already normalised `127.1`, `0x7f.0.0.1`, case. */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

/** The addresses a URL's host may resolve to: plain HTTP only ever reaches loopback. */
export function addressRuleFor(url: URL, allowHttp: boolean): AddressRule {
  if (url.protocol === 'http:') return 'loopback-only';
  return allowHttp ? 'public-or-loopback' : 'public';
}

/**
 * Checked before every request and every redirect hop, so a refused URL never opens a connection.
 * An IP literal is judged here (no DNS step follows); a name is judged on its resolved addresses by checkedLookup.
 */
export function checkFetchUrl(input: string, allowHttp: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  // Credentials in a URL would end up in logs; a peer URL has no business carrying them.
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'URL must not carry credentials' };
  if (url.protocol === 'https:') return checkLiteral(url, allowHttp);
  if (url.protocol !== 'http:') return { ok: false, reason: `scheme ${url.protocol} is not allowed` };
  if (!allowHttp) return { ok: false, reason: 'plain HTTP is not allowed (HTTPS only; OC_ALLOW_HTTP_PEERS=1 allows it to loopback)' };
  if (!isLoopbackHost(url.hostname)) return { ok: false, reason: 'plain HTTP is allowed only to loopback hosts' };
  return checkLiteral(url, allowHttp);
}

function checkLiteral(url: URL, allowHttp: boolean): UrlCheck {
  const host = hostForConnect(url);
  if (isIP(host) === 0) return { ok: true, url };
  const check = checkAddress(host, addressRuleFor(url, allowHttp));
  return check.ok ? { ok: true, url } : check;
}

/** The host as a socket wants it: IPv6 literals without their URL brackets. */
export function hostForConnect(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** opencharge.md §3.4 step 3: a URL whose path does not end in `.json` is a base URL → `{url}/metadata.json`. */
export function metadataUrlFor(url: URL): URL {
  if (url.pathname.endsWith('.json')) return url;
  const out = new URL(url.href);
  out.pathname = url.pathname.replace(/\/+$/, '') + '/metadata.json';
  return out;
}

/** Origin and path only: query strings and credentials may hold tokens and never reach a log line. */
export function urlForLog(input: string | URL): string {
  try {
    const url = typeof input === 'string' ? new URL(input) : input;
    return url.origin + url.pathname;
  } catch {
    return '[invalid URL]';
  }
}
