// `opencharge-merchant request METHOD PATH --as NAME`: sign as a peer, send, verify the answer's signatures.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Command } from './io.ts';
import { parseFlags } from './io.ts';
import { loadConfigFromEnv } from '../runtime/config-file.ts';
import { devIdentitiesPath, type DevIdentity } from '../identity.ts';
import { createSigner } from '../client/signer.ts';
import { verifyOrderSignature, verifyResponseSignature } from '../client/verify-response.ts';
import { selectBackend } from '../crypto/select.ts';
import { parsePrivateKey, parsePublicKey } from '../protocol/keys.ts';

const HELP = `usage: opencharge-merchant request METHOD PATH [options]

Signs a request with X-OC-* headers, sends it to this server, verifies the response
signature and (when the answer holds one) the order signature, and prints all of it.

  PATH                  relative to the base path (/orders/create) or absolute (/opencharge/orders/create)
  --as NAME             sign as a development identity (demo, issuer) from data/dev-identities.json
  --ocid N --key HEX    sign as any OCID with a 64-hex private key (or --key-file PATH)
  --body JSON           request body (or --body-file PATH)
  --url URL             server origin (default http://OC_HOST:OC_PORT)
  --merchant-key HEX    the merchant's public key (default: read from its /metadata.json)`;

export const run: Command = async (args, io) => {
  if (args.includes('--help') || args.length < 2) {
    io.out(HELP);
    return args.includes('--help') ? 0 : 2;
  }
  const { flags, positional } = parseFlags(args);
  const [methodArg, pathArg] = positional as [string, string];
  const method = methodArg.toUpperCase();
  const config = loadConfigFromEnv(io.env, io.cwd);

  let ocid: number;
  let keyHex: string;
  if (flags.as) {
    const file = devIdentitiesPath(config, io.cwd);
    let ids: DevIdentity[];
    try {
      ids = JSON.parse(readFileSync(file, 'utf8')) as DevIdentity[];
    } catch {
      io.err(`--as: no development identities at ${file} (start the server once in development mode)`);
      return 2;
    }
    const id = ids.find((i) => i.name === flags.as);
    if (!id) {
      io.err(`--as: unknown identity '${flags.as}' (known: ${ids.map((i) => i.name).join(', ')})`);
      return 2;
    }
    ({ ocid, privateKey: keyHex } = id);
  } else if (flags.ocid && (flags.key || flags['key-file'])) {
    ocid = Number(flags.ocid);
    keyHex = flags.key ?? readFileSync(flags['key-file']!, 'utf8').trim();
  } else {
    io.err('give --as NAME, or --ocid N with --key HEX / --key-file PATH');
    return 2;
  }
  const key = parsePrivateKey(keyHex);
  if (!key.ok || !Number.isSafeInteger(ocid) || ocid <= 0) {
    io.err(key.ok ? '--ocid must be a positive integer' : `--key: ${key.reason}`);
    return 2;
  }
  const body = flags.body ?? (flags['body-file'] ? readFileSync(flags['body-file'], 'utf8') : '');
  const origin = (flags.url ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`).replace(/\/+$/, '');
  const path = pathArg.startsWith(config.basePath + '/') || !config.basePath ? pathArg : config.basePath + pathArg;

  const { backend } = selectBackend(config.crypto);
  const signer = createSigner({ ocid, privateKey: key.key, backend, now: () => Math.floor(Date.now() / 1000), randomBytes: (n) => new Uint8Array(randomBytes(n)) });
  const headers = signer.sign(method, path, body);
  io.out(`> ${method} ${origin}${path}`);
  for (const [k, v] of Object.entries(headers)) io.out(`> ${k}: ${v}`);
  if (body) io.out(`> ${body}`);

  const res = await fetch(origin + path, {
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

  let merchantKeyHex = flags['merchant-key'];
  if (!merchantKeyHex) {
    const meta = (await (await fetch(`${origin}${config.basePath}/metadata.json`)).json()) as { config?: { publicKey?: string } };
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
};
