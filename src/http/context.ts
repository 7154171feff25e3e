// Typed Hono context variables shared by middleware and routes.
import type { NonceClaim } from '../store/types.ts';

export interface AuthInfo {
  ocid: number;
  nonce: NonceClaim;
  /** The raw request body bytes the signature covered. */
  rawBody: Uint8Array;
}

export type AppEnv = {
  /** clientAddress: the socket peer (or the client behind a trusted proxy); undefined when the runtime does not say. */
  Variables: { requestId: string; auth: AuthInfo; clientAddress: string | undefined };
};
