// PROFILE §2 step 5: a route that settles the nonce itself (deferNonce) and answers without settling it still consumes it.
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_OCID, makeHarness, type Harness } from '../helpers/harness.ts';
import { expectError } from '../helpers/expect-error.ts';
import type { AppEnv } from '../../src/http/context.ts';
import { requireSignature } from '../../src/http/middleware/signature.ts';
import { errorResponse, jsonText } from '../../src/http/errors.ts';

const FORGOT = '/opencharge/test/forgot-to-settle';
const FORGOT_OK = '/opencharge/test/forgot-to-settle-ok';
const THROWS = '/opencharge/test/throws';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness({
    probes: (deps) => {
      const app = new Hono<AppEnv>();
      // A new failure path whose author forgot the nonce: it answers a 400 without settling it.
      app.post('/test/forgot-to-settle', requireSignature(deps, { deferNonce: true }), () => errorResponse('INVALID_REQUEST', 'a new failure path'));
      app.post('/test/forgot-to-settle-ok', requireSignature(deps, { deferNonce: true }), () => jsonText('{"ok":true}'));
      app.post('/test/throws', requireSignature(deps, { deferNonce: true }), () => {
        throw new Error('the store is down');
      });
      return [{ path: 'base', app }];
    },
  });
});
afterAll(() => h.close());

/** True when the nonce was still free (this insert took it), false when a request had consumed it. */
const free = (nonce: string) => h.store.insertNonce({ ocid: CALLER_OCID, nonce, expiresAt: h.clock.now + 600 });

describe('the nonce backstop of requireSignature', () => {
  it('a deferred route that answers a failure without settling the nonce still consumes it', async () => {
    await expectError(await h.signed('POST', FORGOT, '{}', { nonce: 'forgot-1' }), 400, 'INVALID_REQUEST');
    expect(await free('forgot-1')).toBe(false);
  });

  it('its replay is answered NONCE_REUSED, not the route’s own answer', async () => {
    await expectError(await h.signed('POST', FORGOT, '{}', { nonce: 'forgot-2' }), 400, 'INVALID_REQUEST');
    await expectError(await h.signed('POST', FORGOT, '{}', { nonce: 'forgot-2' }), 401, 'NONCE_REUSED');
  });

  it('a deferred route that answers 200 without settling still consumes it', async () => {
    expect((await h.signed('POST', FORGOT_OK, '{}', { nonce: 'forgot-3' })).status).toBe(200);
    await expectError(await h.signed('POST', FORGOT_OK, '{}', { nonce: 'forgot-3' }), 401, 'NONCE_REUSED');
  });

  it('an internal error leaves the nonce unused, so the request may be retried as it is', async () => {
    await expectError(await h.signed('POST', THROWS, '{}', { nonce: 'throws-1' }), 500, 'INTERNAL');
    expect(await free('throws-1')).toBe(true);
  });
});
