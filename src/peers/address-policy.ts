// Which IP addresses key lookups may connect to (PROFILE §7): public unicast only, loopback only when allowed.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * `public`: HTTPS to the internet. `public-or-loopback`: HTTPS with OC_ALLOW_HTTP_PEERS=1.
 * `loopback-only`: plain HTTP, which is allowed to loopback peers only.
 */
export type AddressRule = 'public' | 'public-or-loopback' | 'loopback-only';

export type AddressCheck = { ok: true } | { ok: false; reason: string };

/** Resolves a host name to every address it has (DNS); injectable so tests can make a name point anywhere. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** ipaddr.js range names → what the operator reads in the log. Any range not listed is refused as special-purpose. */
const LABELS: Record<string, string> = {
  loopback: 'loopback',
  private: 'private (RFC 1918)',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local (fc00::/7)',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
};

/** Pure. IPv4-mapped IPv6 (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) are judged by their IPv4 address. */
export function checkAddress(ip: string, rule: AddressRule): AddressCheck {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return { ok: false, reason: `${ip} is not an IP address` };
  }
  const range = classify(addr);
  if (range === 'loopback' && rule !== 'public') return { ok: true };
  if (rule === 'loopback-only') return { ok: false, reason: `address ${ip} is not loopback (plain HTTP is allowed only to loopback)` };
  if (range === 'unicast') return { ok: true };
  const hint = range === 'loopback' ? ' (allowed only with OC_ALLOW_HTTP_PEERS=1)' : '';
  return { ok: false, reason: `address ${ip} is ${LABELS[range] ?? 'special-purpose'}${hint}` };
}

function classify(addr: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (addr.kind() === 'ipv4') return addr.range();
  const v6 = addr as ipaddr.IPv6;
  const range = v6.range();
  // The well-known NAT64 prefix carries an IPv4 address in its last 32 bits: a gateway would forward to it.
  if (range === 'rfc6052' && v6.match(ipaddr.IPv6.parse('64:ff9b::'), 96)) {
    const [a, b, c, d] = v6.toByteArray().slice(12);
    return new ipaddr.IPv4([a!, b!, c!, d!]).range();
  }
  // ::a.b.c.d (IPv4-compatible, deprecated) is "unicast" to ipaddr.js but is no address a peer has.
  if (range === 'unicast' && v6.parts.slice(0, 6).every((p) => p === 0)) return 'reserved';
  return range;
}

/** A refusal raised inside the connection's DNS step: the request never opens a socket. */
class AddressRefused extends Error {
  override name = 'AddressRefused';
}

/**
 * The `lookup` given to node:http / node:https (Node and Bun both honour it): every address the name
 * resolves to must pass `rule`, and only those addresses are handed to the socket, so the address checked
 * is the address connected to (no second DNS answer in between).
 */
export function checkedLookup(rule: AddressRule, resolveHost: HostResolver): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolveHost(hostname)
      .then((all) => {
        if (all.length === 0) throw new AddressRefused(`${hostname} has no address`);
        for (const a of all) {
          const check = checkAddress(a.address, rule);
          if (!check.ok) throw new AddressRefused(`${hostname}: ${check.reason}`);
        }
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = family === 0 ? all : all.filter((a) => a.family === family);
        const first = usable[0];
        if (first === undefined) throw new AddressRefused(`${hostname} has no IPv${family} address`);
        if (options.all === true) callback(null, usable);
        else callback(null, first.address, first.family);
      })
      .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), '', 0));
  };
}
