// Typed Hono context variables shared by middleware and routes.
import type { NonceGuard } from '../orders/nonce-guard.ts';

export interface AuthInfo {
  ocid: number;
  /** The request's one-use nonce: settled before the handler runs, or by it when the route defers it. */
  nonce: NonceGuard;
  /** The raw request body bytes the signature covered. */
  rawBody: Uint8Array;
}

export type AppEnv = {
  /** clientAddress: the socket peer (or the client behind a trusted proxy); undefined when the runtime does not say. */
  Variables: { requestId: string; auth: AuthInfo; clientAddress: string | undefined };
};
