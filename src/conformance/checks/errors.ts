// errors.*: unknown routes answer 404 in the envelope (every rejection check also verifies the envelope).
import { expectError } from '../assert.ts';
import { recommended, type Check } from '../check.ts';

export const errorChecks: Check[] = [
  recommended('errors.unknown-route', 'GET of an unknown path under the base URL → 404 NOT_FOUND in the envelope', 'docs/profile.md §7; docs/opencharge.md §7.1, §7.4', async (kit) => {
    expectError(await kit.plain('GET', `/conformance-no-such-route-${kit.hex(4)}`), 404, 'NOT_FOUND');
  }),
  recommended('errors.unknown-route-post', 'POST to an unknown path under the base URL → 404 NOT_FOUND in the envelope', 'docs/profile.md §7; docs/opencharge.md §7.1, §7.4', async (kit) => {
    expectError(await kit.plain('POST', `/conformance-no-such-route-${kit.hex(4)}`, '{}'), 404, 'NOT_FOUND');
  }),
];
