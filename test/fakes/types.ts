// What every fake gateway server offers the contract suite and the end-to-end tests.
import type { CallbackRequest, ChargeStatus } from '../../src/gateways/types.ts';
import type { LostAnswer } from './lost-answer.ts';

export interface RecordedRequest {
  method: string;
  /** path + query */
  target: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeGatewayServer {
  /** e.g. http://127.0.0.1:41234 — what OC_<GATEWAY>_BASE_URL is set to. */
  baseUrl: string;
  /** Settings that point the adapter at this fake with valid credentials (includes the base URL). */
  env: Record<string, string>;
  /** The same, with a credential the fake will refuse. */
  badEnv: Record<string, string>;
  /** Secret values that must never appear in logs or errors (tokens, secrets). */
  secrets: string[];
  /** Simulates the customer side: moves a charge to a common status in the gateway's own vocabulary. */
  settle(reference: string, outcome: ChargeStatus): void;
  /** The callback the real gateway would send now for this charge, authenticated as the real one does. */
  callback(reference: string): CallbackRequest;
  /** Sends that callback over HTTP to the callback URL given at creation; returns the response. */
  sendCallback(reference: string): Promise<Response>;
  /** Every request the fake received, in order. */
  requests: RecordedRequest[];
  /** References of the orders the gateway holds for this shop order (matched on the id the adapter sent). */
  ordersFor(orderId: string): string[];
  /** The next create succeeds at the gateway but its answer is lost: a 503, or a hang past the client's timeout. */
  loseNextCreate(how: LostAnswer): void;
  close(): Promise<void>;
}
