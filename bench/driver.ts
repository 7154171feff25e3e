// The bench's load driver: precomputed raw HTTP/1.1 requests written to keep-alive sockets (node:net).
// Every request is a distinct, correctly signed POST /orders/create with its own nonce, built before the
// timed run, so the driver spends a few µs per request (parse a status line and a length) and is not the
// bottleneck. One request in flight per connection; latency is taken per request.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { CryptoBackend } from '../src/protocol/backend.ts';
import { canonicalRequest } from '../src/protocol/canonical.ts';
import { signCanonical } from '../src/protocol/signature.ts';

export const CREATE_PATH = '/opencharge/orders/create';

export interface RequestSpec {
  backend: CryptoBackend;
  /** The caller's private key (32 bytes) and OCID, as the server's peers file knows them. */
  callerKey: Uint8Array;
  callerOcid: number;
  count: number;
  path?: string;
  host?: string;
  /** Unix seconds; now by default (build the requests shortly before the run: the server checks the window). */
  timestamp?: number;
  body?: string;
}

/** `count` raw requests, each signed over its own nonce. */
export function prepareRequests(s: RequestSpec): Buffer[] {
  const path = s.path ?? CREATE_PATH;
  const host = s.host ?? '127.0.0.1';
  const ocid = String(s.callerOcid);
  const timestamp = String(s.timestamp ?? Math.floor(Date.now() / 1000));
  const body = s.body ?? '{"amount":"15.00","currency":"USD","memo":"bench"}';
  const length = Buffer.byteLength(body);
  const out: Buffer[] = new Array(s.count);
  for (let i = 0; i < s.count; i++) {
    const nonce = `req_${randomBytes(16).toString('hex')}`;
    const signature = signCanonical(s.backend, s.callerKey, canonicalRequest({ ocid, timestamp, nonce, method: 'POST', path, body }));
    out[i] = Buffer.from(
      `POST ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n` +
        `x-oc-id: ${ocid}\r\nx-oc-timestamp: ${timestamp}\r\nx-oc-nonce: ${nonce}\r\nx-oc-signature: ${signature}\r\n\r\n${body}`,
    );
  }
  return out;
}

export interface DriveResult {
  completed: number;
  seconds: number;
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  /** Answers by status code. */
  statuses: Record<number, number>;
  /** Connections that failed or closed with a request in flight (that request is not retried). */
  errors: number;
  /** The driver's own CPU time (user + system) per completed request, in µs. */
  driverCpuMicros: number;
  /** The first answer's body of each status, to explain a non-2xx. */
  samples: Record<number, string>;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Where one response ends in `buf` (from 0), or -1 if it is not complete yet. Content-Length or chunked. */
export function responseEnd(buf: Buffer): { end: number; status: number; bodyStart: number } | undefined {
  const head = buf.indexOf(CRLFCRLF);
  if (head < 0) return undefined;
  const headers = buf.toString('latin1', 0, head).toLowerCase();
  const status = Number(headers.slice(9, 12));
  const bodyStart = head + 4;
  const cl = headers.indexOf('\r\ncontent-length:');
  if (cl >= 0) {
    const eol = headers.indexOf('\r\n', cl + 2);
    const n = Number(headers.slice(cl + 17, eol < 0 ? undefined : eol).trim());
    return buf.length >= bodyStart + n ? { end: bodyStart + n, status, bodyStart } : undefined;
  }
  if (headers.includes('\r\ntransfer-encoding: chunked')) {
    let at = bodyStart;
    for (;;) {
      const eol = buf.indexOf('\r\n', at);
      if (eol < 0) return undefined;
      const size = parseInt(buf.toString('latin1', at, eol), 16);
      if (size === 0) {
        const fin = buf.indexOf(CRLFCRLF, eol);
        return fin < 0 && buf.length < eol + 4 ? undefined : { end: fin < 0 ? eol + 4 : fin + 4, status, bodyStart };
      }
      at = eol + 2 + size + 2;
      if (at > buf.length) return undefined;
    }
  }
  // No length (204/304 or a close-delimited body): the headers are the answer.
  return { end: bodyStart, status, bodyStart };
}

/**
 * Sends every request once over `connections` keep-alive sockets to 127.0.0.1:port and resolves when all
 * are answered (or their connection failed). A closed connection is reopened for the remaining requests.
 */
export function drive(port: number, requests: Buffer[], connections = 32, host = '127.0.0.1'): Promise<DriveResult> {
  return new Promise((resolve) => {
    const latencies = new Float64Array(requests.length);
    const statuses: Record<number, number> = {};
    const samples: Record<number, string> = {};
    let next = 0;
    let completed = 0;
    let errors = 0;
    let open = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const finish = () => {
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const sorted = latencies.subarray(0, completed).sort();
      const pct = (p: number) => (completed ? Math.round(sorted[Math.min(completed - 1, Math.floor(completed * p))]! * 100) / 100 : 0);
      resolve({
        completed,
        seconds,
        rps: completed / seconds,
        p50: pct(0.5),
        p99: pct(0.99),
        statuses,
        errors,
        driverCpuMicros: completed ? (cpu.user + cpu.system) / completed : 0,
        samples,
      });
    };
    const start = () => {
      open++;
      const socket: Socket = connect({ port, host, noDelay: true });
      let buf: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      let inFlight = false;
      const send = () => {
        if (next >= requests.length) {
          socket.end();
          return;
        }
        inFlight = true;
        sentAt = performance.now();
        socket.write(requests[next++]!);
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const r = responseEnd(buf);
          if (!r) return;
          if (samples[r.status] === undefined) samples[r.status] = buf.toString('utf8', r.bodyStart, r.end);
          latencies[completed++] = performance.now() - sentAt;
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          buf = buf.subarray(r.end);
          inFlight = false;
          send();
          if (!inFlight) return;
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        open--;
        if (inFlight) errors++;
        if (next < requests.length) start();
        else if (open === 0) finish();
      });
    };
    const n = Math.max(1, Math.min(connections, requests.length));
    for (let i = 0; i < n; i++) start();
  });
}
