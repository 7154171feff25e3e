// Who is on the other end of the socket, for per-address limits: the peer on Node and Bun; X-Forwarded-For only via trusted proxies.
import ipaddr from 'ipaddr.js';

/** The socket peer's address from what the runtime hands Hono as `env` (injectable for app.request() tests). */
export type SocketAddress = (req: Request, env: unknown) => string | undefined;

type RuntimeEnv = {
  incoming?: { socket?: { remoteAddress?: string } };
  requestIP?: (req: Request) => { address: string } | null;
};

/** Node (@hono/node-server passes `{incoming, outgoing}`) or Bun (Bun.serve passes the server, which has requestIP). */
export const runtimeSocketAddress: SocketAddress = (req, env) => {
  const e = env as RuntimeEnv | undefined;
  if (e?.incoming) return e.incoming.socket?.remoteAddress;
  if (typeof e?.requestIP === 'function') return e.requestIP(req)?.address ?? undefined;
  return undefined;
};

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  // Some proxies write `[v6]:port` or `v4:port`.
  const bare = /^\[([^\]]+)\](?::\d+)?$/.exec(text)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text)?.[1] ?? text;
  if (!ipaddr.IPv4.isValidFourPartDecimal(bare) && !ipaddr.IPv6.isValid(bare)) return undefined;
  return ipaddr.process(bare); // IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4
}

const inRanges = (a: ipaddr.IPv4 | ipaddr.IPv6, ranges: Range[]) => ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));

/**
 * The client's address. Without trusted proxies (the default) it is the socket peer: X-Forwarded-For is
 * anyone's to write. When the peer is a trusted proxy, X-Forwarded-For is read from the right, skipping
 * trusted proxies; the first other hop is the client (entries further left are the client's own words).
 */
export function createClientAddress(trustedProxies: readonly string[]): (peer: string | undefined, forwardedFor: string | undefined) => string | undefined {
  const ranges: Range[] = trustedProxies.map((p) => {
    if (p.includes('/')) return ipaddr.parseCIDR(p) as Range;
    const a = ipaddr.parse(p);
    return [a, a.kind() === 'ipv4' ? 32 : 128];
  });
  // The socket peer's normal form, remembered: parsing costs more than the rest of this function.
  const normal = remembered((peer) => parse(peer)?.toString() ?? peer);
  return (peer, forwardedFor) => {
    if (peer === undefined) return undefined;
    if (!forwardedFor || ranges.length === 0) return normal(peer);
    const peerAddr = parse(peer);
    if (!peerAddr || !inRanges(peerAddr, ranges)) return normal(peer);
    let client = peerAddr;
    const hops = forwardedFor.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = parse(hops[i]!.trim());
      if (!hop) break;
      client = hop;
      if (!inRanges(hop, ranges)) break;
    }
    return client.toString();
  };
}

/** Remembers up to 4096 answers of `f` (then starts afresh): addresses repeat request after request. */
function remembered(f: (text: string) => string): (text: string) => string {
  const seen = new Map<string, string>();
  return (text) => {
    let out = seen.get(text);
    if (out === undefined) {
      out = f(text);
      if (seen.size >= 4096) seen.clear();
      seen.set(text, out);
    }
    return out;
  };
}

/** The limiter key of an address: IPv4 as is, IPv6 by its /64 (one subscriber's usual allocation), else "unknown". */
export function addressKey(address: string | undefined): string {
  return address === undefined ? 'unknown' : keyOf(address);
}

const keyOf = remembered((address) => {
  const a = parse(address);
  if (!a) return 'unknown';
  if (a.kind() === 'ipv4') return a.toString();
  return `${(a as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
});
