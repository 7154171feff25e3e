// `request METHOD PATH`: sign as a peer, send, verify the answer's signatures; on INVALID_SIGNATURE, diff the canonical requests.
import { randomBytes } from 'node:crypto';
import { defineCommand, UsageError } from './args.ts';
import { diffRows, formatRows, isView, mismatchHints, rowsOf } from './canonical-view.ts';
import { IDENTITY_OPTIONS, readFileArg, serverOrigin, signingIdentity, URL_OPTION } from './peer-identity.ts';
import type { CliIO } from './io.ts';
import { loadConfigFromEnv } from '../runtime/config-file.ts';
import { createSigner } from '../client/signer.ts';
import { fetchOrExplain } from '../client/network-error.ts';
import { verifyOrderSignature, verifyResponseSignature } from '../client/verify-response.ts';
import { selectBackend } from '../crypto/select.ts';
import { canonicalRequest, canonicalRequestView, type CanonicalRequestView } from '../protocol/canonical.ts';
import { parsePublicKey } from '../protocol/keys.ts';

/** Prints the server's canonical request against ours when it answered INVALID_SIGNATURE with one. */
function explainMismatch(io: CliIO, ours: CanonicalRequestView, answer: unknown): void {
  const error = (answer as { error?: { code?: unknown; details?: { reason?: unknown; canonicalRequest?: unknown; canonical?: unknown } } } | undefined)?.error;
  if (error?.code !== 'INVALID_SIGNATURE' || !isView(error.details?.canonicalRequest)) return;
  const theirs = error.details.canonicalRequest;
  io.out(`the server could not verify the signature (${String(error.details.reason)}); canonical request signed here (-) and built by the server (+):`);
  for (const line of diffRows(ours, theirs)) io.out(line);
  for (const hint of mismatchHints(ours, theirs)) io.out(`hint: ${hint}`);
}

export const run = defineCommand(
  {
    name: 'request',
    args: 'METHOD PATH',
    positionals: [2, 2],
    summary: `Signs a request with X-OC-* headers, sends it to the server, verifies the response signature and
(when the answer holds one) the order signature, and prints all of it, with the canonical request
in the layout \`sign\` prints. On 401 INVALID_SIGNATURE it prints the server's canonical request next
to ours, marking the lines that differ. PATH is relative to the base path (/orders/create) or
absolute (/opencharge/orders/create).`,
    options: {
      ...IDENTITY_OPTIONS,
      body: { type: 'string', value: 'JSON', description: 'request body, sent byte for byte' },
      'body-file': { type: 'string', value: 'PATH', description: 'read the body bytes from a file instead' },
      ...URL_OPTION,
      'merchant-key': { type: 'string', value: 'HEX', description: "the merchant's public key (default: read from its /metadata.json)" },
    },
    notes: 'Exit status: 0 when the answer is 2xx and every signature verifies, 1 otherwise, 2 bad invocation.',
    examples: [`opencharge-merchant request POST /orders/create --as demo --body '{"amount":"15.00","currency":"USD"}'`, 'opencharge-merchant request GET /capabilities --ocid 1201 --key-file partner.env --url https://pay.shop.example'],
  },
  async ({ values: v, positionals: [methodArg, pathArg] }, io) => {
    const method = methodArg!.toUpperCase();
    if (!/^[A-Z]+$/.test(method)) throw new UsageError(`METHOD must be an HTTP method name, got '${methodArg}'`);
    if (!pathArg!.startsWith('/')) throw new UsageError(`PATH must start with /, got '${pathArg}'`);
    if (v.body !== undefined && v['body-file'] !== undefined) throw new UsageError('give --body or --body-file, not both');
    const config = loadConfigFromEnv(io.env, io.cwd);
    const who = signingIdentity(v, config, io);
    const body = v.body ?? (v['body-file'] !== undefined ? readFileArg(io, v['body-file']).toString('utf8') : '');
    const origin = serverOrigin(v.url, config);
    const path = pathArg!.startsWith(config.basePath + '/') || !config.basePath ? pathArg! : config.basePath + pathArg!;
    // Sign the request-target as it goes on the wire (fetch resolves dot segments and escapes some characters).
    const url = new URL(origin + path);
    const target = url.pathname + url.search;

    const { backend } = selectBackend(config.crypto);
    const signer = createSigner({ ocid: who.ocid, privateKey: who.key, backend, now: () => Math.floor(Date.now() / 1000), randomBytes: (n) => new Uint8Array(randomBytes(n)) });
    const headers = signer.sign(method, target, body);
    const parts = { ocid: headers['X-OC-ID'], timestamp: headers['X-OC-Timestamp'], nonce: headers['X-OC-Nonce'], method, path: target, body };
    const ours = canonicalRequestView(parts);
    io.out(`> ${method} ${url.href}`);
    for (const [k, val] of Object.entries(headers)) io.out(`> ${k}: ${val}`);
    if (body) io.out(`> ${body}`);
    io.out('canonical request (signed):');
    for (const line of formatRows(rowsOf(ours))) io.out(line);
    io.out(`canonical:   ${JSON.stringify(canonicalRequest(parts))}`);

    const res = await fetchOrExplain(fetch, url.href, {
      method,
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body || undefined,
    });
    const raw = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(raw);
    io.out(`< ${res.status}`);
    for (const h of ['x-oc-id', 'x-oc-timestamp', 'x-oc-signature']) if (res.headers.has(h)) io.out(`< ${h}: ${res.headers.get(h)}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
      io.out(JSON.stringify(parsed, null, 2));
    } catch {
      io.out(text);
    }
    if (res.status === 401) explainMismatch(io, ours, parsed);

    let merchantKeyHex = v['merchant-key'];
    if (!merchantKeyHex) {
      const meta = (await (await fetchOrExplain(fetch, `${origin}${config.basePath}/metadata.json`)).json()) as { config?: { publicKey?: string } };
      merchantKeyHex = meta.config?.publicKey;
    }
    const merchantKey = parsePublicKey(merchantKeyHex);
    if (!merchantKey.ok) {
      io.err(`cannot verify: merchant public key unavailable (${merchantKey.reason})`);
      return 1;
    }
    const responseVerdict = verifyResponseSignature(backend, merchantKey.key, res.status, res.headers, raw);
    io.out(`response signature: ${responseVerdict.valid ? 'valid' : `INVALID (${responseVerdict.reason})`}`);
    const orderVerdict = verifyOrderSignature(backend, merchantKey.key, parsed);
    if (orderVerdict) io.out(`order signature:    ${orderVerdict.valid ? 'valid' : `INVALID (${orderVerdict.reason})`}`);
    return res.ok && responseVerdict.valid && (orderVerdict?.valid ?? true) ? 0 : 1;
  },
);
