// The kit's HTTP side: sends one request to the target and keeps the exact bytes of both ends.
import type { TrimmedExchange } from './types.ts';
import { networkReason } from '../client/network-error.ts';

export interface SentRequest {
  method: string;
  url: string;
  /** The request-target the signature covers: path + `?query`, base path included (PROFILE §2). */
  target: string;
  headers: Record<string, string>;
  body: string;
}

export interface Exchange {
  request: SentRequest;
  status: number;
  headers: Headers;
  bytes: Uint8Array;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface KitClient {
  /** Where `path` (relative to the base URL, e.g. `/orders/create`) is sent, as a request-target. */
  target(path: string): string;
  send(method: string, path: string, init?: { headers?: Record<string, string>; body?: string }): Promise<Exchange>;
}

export class TransportError extends Error {
  constructor(
    readonly request: SentRequest,
    cause: unknown,
  ) {
    super(`request failed: ${request.method} ${request.url}: ${networkReason(cause)}`);
  }
}

export function createKitClient(baseUrl: string, fetchFn: typeof fetch, onExchange: (e: Exchange) => void): KitClient {
  const base = baseUrl.replace(/\/+$/, '');
  const urlOf = (path: string) => new URL(base + path);
  return {
    target: (path) => {
      const u = urlOf(path);
      return u.pathname + u.search;
    },
    async send(method, path, init = {}) {
      const u = urlOf(path);
      const body = init.body ?? '';
      const headers = { ...init.headers };
      if (body && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      const request: SentRequest = { method, url: u.href, target: u.pathname + u.search, headers, body };
      let res: Response;
      let bytes: Uint8Array;
      try {
        res = await fetchFn(u.href, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, redirect: 'manual' });
        bytes = new Uint8Array(await res.arrayBuffer());
      } catch (err) {
        throw new TransportError(request, err);
      }
      const text = new TextDecoder().decode(bytes);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const exchange: Exchange = { request, status: res.status, headers: res.headers, bytes, text, json };
      onExchange(exchange);
      return exchange;
    },
  };
}

const LIMIT = 1000;
const cut = (s: string) => (s.length > LIMIT ? `${s.slice(0, LIMIT)}… (${s.length} characters)` : s);

/** What a report shows of an exchange: every request header, the response's content-type and X-OC-* headers, bodies cut. */
export function trimExchange(e: Exchange): TrimmedExchange {
  const headers: Record<string, string> = {};
  e.headers.forEach((v, k) => {
    if (k === 'content-type' || k.startsWith('x-oc-')) headers[k] = v;
  });
  const request = { method: e.request.method, url: e.request.url, headers: e.request.headers, ...(e.request.body ? { body: cut(e.request.body) } : {}) };
  return { request, response: { status: e.status, headers, body: cut(e.text) } };
}

export function trimFailedRequest(r: SentRequest, error: string): TrimmedExchange {
  return { request: { method: r.method, url: r.url, headers: r.headers, ...(r.body ? { body: cut(r.body) } : {}) }, error };
}
