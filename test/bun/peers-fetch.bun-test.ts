// The peer fetch policy under real Bun (`npm run test:bun`): the Node suites themselves, Bun mapping their 'vitest' import to bun:test.
// They prove Bun's node:http honours the checked `lookup` (names judged on their resolved addresses), the literal and
// redirect checks, the size and time limits, and that loopback peers still resolve with OC_ALLOW_HTTP_PEERS=1.
import '../peers/address-policy.test.ts';
import '../peers/fetch-policy.test.ts';
import '../peers/metadata.test.ts';
