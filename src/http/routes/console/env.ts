// Context variables of the console routes: the request's CSP nonce and, once authenticated, its session.
import type { AppEnv } from '../../context.ts';

export interface ConsoleSession {
  /** Random session id (hex): the CSRF token is derived from it. */
  sid: string;
  /** Unix seconds after which the cookie is refused. */
  expiresAt: number;
  /** The CSRF token every state-changing form of this session carries. */
  csrf: string;
}

export type ConsoleEnv = {
  Variables: AppEnv['Variables'] & { nonce: string; merchantName: string; session: ConsoleSession };
};

export const COOKIE = 'oc_console';
export const SESSION_SECONDS = 12 * 60 * 60;
