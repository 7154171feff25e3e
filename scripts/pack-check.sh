#!/usr/bin/env bash
# `npm run test:pack`: the package as a user gets it. Packs the project (npm pack, which builds dist/), installs the
# tarball into an empty folder with npm install (from the local npm cache when it can), and there, without tsx:
#   1. `npx opencharge-merchant --help`, then `serve` answering /healthz;
#   2. a plain .mjs imports opencharge-merchant/client, creates a signed order on that server (its signing and
#      verifying on a crypto thread: OC_CRYPTO_THREADS=1, no fallback in its log), verifies it
#      (the client checks every signature; the .mjs checks the order again with opencharge-merchant/protocol), pays it;
#   3. another .mjs mounts createMerchant().app under a Hono app and serves an order.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
started=$(date +%s)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/oc-pack-check.XXXXXX")
SERVER_PID=
cleanup() {
  # The server runs in its own process group (set -m below): npx and the node process it starts both stop.
  if [ -n "$SERVER_PID" ]; then kill -TERM -- "-$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { echo "pack-check [$(( $(date +%s) - started ))s]: $*"; }
fail() { echo "pack-check: FAILED: $*" >&2; [ -f "$WORK/serve.log" ] && sed 's/^/  serve| /' "$WORK/serve.log" >&2; exit 1; }

step "npm pack"
TARBALL=$(npm pack --silent --pack-destination "$WORK" | tail -1)
[ -f "$WORK/$TARBALL" ] || fail "npm pack wrote no tarball"
FILES=$(tar -tzf "$WORK/$TARBALL" | wc -l)
step "$TARBALL: $FILES files, $(du -k "$WORK/$TARBALL" | cut -f1) KiB"
if tar -tzf "$WORK/$TARBALL" | grep -Ev '^package/(dist/|migrations/|docs/[^/]+\.md$|test/vectors/conformance/|README\.md$|CONFORMANCE\.md$|LICENSE$|package\.json$)'; then
  fail "the tarball holds files outside the files whitelist (listed above)"
fi

APP="$WORK/app"
mkdir "$APP"
cd "$APP"
echo '{ "name": "pack-check-shop", "version": "1.0.0", "private": true, "type": "module" }' > package.json
HONO=$(node -p "require('$ROOT/package.json').dependencies.hono")
NODE_SERVER=$(node -p "require('$ROOT/package.json').dependencies['@hono/node-server']")
step "npm install the tarball (and hono@$HONO, @hono/node-server@$NODE_SERVER for the shop) into an empty folder"
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$WORK/$TARBALL" "hono@$HONO" "@hono/node-server@$NODE_SERVER" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "npm install"; }
[ ! -e node_modules/tsx ] || fail "tsx was installed: it must be a dev dependency only"
[ ! -e node_modules/typescript ] || fail "typescript was installed: it must be a dev dependency only"

step "npx opencharge-merchant --help"
npx --no-install opencharge-merchant --help | grep -q '^usage: opencharge-merchant <command>' || fail "--help"

PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
MOUNT_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
step "npx opencharge-merchant serve on port $PORT"
set -m # job control: the background job gets its own process group, so cleanup can stop all of it
env -u NODE_OPTIONS OC_PORT="$PORT" OC_LOG_LEVEL=warn OC_CRYPTO_THREADS=1 npx --no-install opencharge-merchant serve >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
set +m
for _ in $(seq 1 150); do
  if node -e "fetch('http://127.0.0.1:$PORT/healthz').then(async (r) => process.exit(r.ok && (await r.text()) === '{\"status\":\"ok\"}' ? 0 : 1), () => process.exit(1))"; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || fail "serve exited"
  sleep 0.2
done
node -e "fetch('http://127.0.0.1:$PORT/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" || fail "/healthz did not answer"
step "/healthz answered"
grep -q 'tsx' /proc/"$SERVER_PID"/cmdline 2>/dev/null && fail "serve runs through tsx"

cat > client.mjs <<'JS'
// A payment app and an issuer: opencharge-merchant/client against the running server.
import { readFileSync } from 'node:fs';
import { createClient } from 'opencharge-merchant/client';
import { canonicalOrder, parsePublicKey, verifyCanonical, nobleBackend } from 'opencharge-merchant/protocol';

const ids = JSON.parse(readFileSync('data/dev-identities.json', 'utf8'));
const who = (name) => ids.find((i) => i.name === name);
const baseUrl = `http://127.0.0.1:${process.env.PORT}/opencharge`;
const app = createClient({ ocid: who('demo').ocid, privateKey: who('demo').privateKey, baseUrl });
const { order, signature } = await app.createOrder({ amount: '15.00', currency: 'USD' });
const key = parsePublicKey((await app.metadata()).config.publicKey);
const verdict = verifyCanonical(nobleBackend, key.key, canonicalOrder(order), signature);
if (!verdict.valid) throw new Error(`order signature: ${verdict.reason}`);
const issuer = createClient({ ocid: who('issuer').ocid, privateKey: who('issuer').privateKey, baseUrl });
const now = Math.floor(Date.now() / 1000);
await issuer.sendProof({ txid: `pack_${now}`, issuer: issuer.ocid, from: { ocid: app.ocid, reference: 'pack-check' }, to: { ocid: order.ocid, reference: order.id }, amount: order.amount, currency: order.currency, timestamp: now });
const status = await app.getStatus(order.id);
if (status.status !== 'paid') throw new Error(`status ${status.status}`);
console.log(`client: order ${order.id} signed, verified and paid`);
JS
step "client.mjs: opencharge-merchant/client creates, verifies and pays an order"
PORT="$PORT" node client.mjs || fail "client.mjs"
# The installed server signed and verified on its crypto thread (dist/crypto/pool-worker.js from the tarball), none fell back.
grep -q '1 crypto thread (OC_CRYPTO_THREADS=1)' "$WORK/serve.log" || fail "the banner does not name the crypto thread"
grep -q 'crypto thread could not start\|crypto thread stopped' "$WORK/serve.log" && fail "the crypto thread fell back to the event loop"

cat > mount.mjs <<'JS'
// A shop's own Hono app with the merchant mounted under /opencharge.
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createMerchant } from 'opencharge-merchant';
import { createClient } from 'opencharge-merchant/client';

const port = Number(process.env.MOUNT_PORT);
const merchant = await createMerchant({ settings: { OC_PUBLIC_URL: `http://127.0.0.1:${port}`, OC_DATABASE_URL: 'file:./data/mounted.db', OC_LOG_LEVEL: 'warn' } });
const shop = new Hono();
shop.get('/', (c) => c.text('my shop'));
shop.route('/opencharge', merchant.app);
const server = serve({ fetch: shop.fetch, port, hostname: '127.0.0.1' });
const demo = JSON.parse(readFileSync('data/dev-identities.json', 'utf8')).find((i) => i.name === 'demo');
const client = createClient({ ocid: demo.ocid, privateKey: demo.privateKey, baseUrl: `http://127.0.0.1:${port}/opencharge` });
const { order } = await client.createOrder({ amount: '9.99', currency: 'USD' });
const again = await client.getOrder(order.id);
if (again.order.id !== order.id || (await (await fetch(`http://127.0.0.1:${port}/`)).text()) !== 'my shop') throw new Error('mounted app');
console.log(`mount: order ${order.id} served under the shop's /opencharge`);
server.close();
await merchant.stop();
JS
step "mount.mjs: createMerchant().app under a Hono app serves an order"
MOUNT_PORT="$MOUNT_PORT" node mount.mjs || fail "mount.mjs"

step "passed in $(( $(date +%s) - started )) s"
