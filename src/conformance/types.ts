// Shapes shared by the conformance runner, its checks and its report.
import type { CryptoBackend } from '../protocol/backend.ts';
import type { CheckLevel } from './check.ts';

export interface KitOptions {
  /** The target's public base URL, e.g. `https://pay.shop.example/opencharge` (its `config.endpoint`). */
  baseUrl: string;
  /** An OCID the target trusts as a caller, and its 64-hex private key. */
  callerOcid: number;
  callerKey: string;
  /** An issuer the target accepts in `settlement.accepts`; without it the proof checks are skipped. */
  issuerOcid?: number;
  issuerKey?: string;
  /** The target's OCID; default: read from its metadata, `/capabilities` or a created order. */
  merchantOcid?: number;
  /** Check ids or dotted prefixes to run (`auth`, `orders.create`); default all. */
  only?: string[];
  /** Check ids or dotted prefixes to leave out (reported as skipped). */
  skip?: string[];
  fetch: typeof fetch;
  /** Unix seconds. */
  now: () => number;
  randomBytes: (n: number) => Uint8Array;
  /** Waits (the late-proof check waits for an order to expire); default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Default: the pure-JS noble backend. */
  backend?: CryptoBackend;
}

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface TrimmedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface TrimmedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface TrimmedExchange {
  request: TrimmedRequest;
  response?: TrimmedResponse;
  error?: string;
}

export interface CheckResult {
  id: string;
  title: string;
  /** The docs/profile.md / docs/opencharge.md section the check enforces. */
  section: string;
  /** A failed `recommended` check is a warning: it does not fail the run. */
  level: CheckLevel;
  status: CheckStatus;
  /** Why it failed or was skipped. */
  reason?: string;
  /** On failure: the request sent and the response received, trimmed. */
  exchange?: TrimmedExchange;
  ms: number;
}

export interface Summary {
  passed: number;
  /** Failed `required` checks: any fails the run. */
  failed: number;
  /** Failed `recommended` checks (warnings). */
  warnings: number;
  skipped: number;
}
