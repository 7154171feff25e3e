// errors.*: unknown routes answer 404 in the envelope (every rejection check also verifies the envelope).
import { expectError } from '../assert.ts';
import { check, type Check } from '../check.ts';

export const errorChecks: Check[] = [
  check('errors.unknown-route', 'GET of an unknown path under the base URL → 404 NOT_FOUND in the envelope', 'PROFILE §7; opencharge.md §7.1, §7.4', async (kit) => {
    expectError(await kit.plain('GET', `/conformance-no-such-route-${kit.hex(4)}`), 404, 'NOT_FOUND');
  }),
  check('errors.unknown-route-post', 'POST to an unknown path under the base URL → 404 NOT_FOUND in the envelope', 'PROFILE §7; opencharge.md §7.1, §7.4', async (kit) => {
    expectError(await kit.plain('POST', `/conformance-no-such-route-${kit.hex(4)}`, '{}'), 404, 'NOT_FOUND');
  }),
];
