// CoinGate payment callbacks, pure: POST, form-encoded or JSON, echoing the order `id` and our `token` (docs/gateways.md §2.6).
import type { CallbackReply, CallbackRequest, CallbackVerdict } from '../types.ts';
import { ORDER_ID_RE } from './wire.ts';
import { isRecord, parseJson, reject } from '../kit.ts';

/** Far above any real callback (a few hundred bytes plus fees); refuses absurd bodies before parsing. */
const MAX_BODY = 64 * 1024;
const MAX_TOKEN = 512;

type Fields = (name: string) => { ok: true; value: string | undefined } | { ok: false; reason: string };

/**
 * CoinGate signs nothing: the caller compares the returned `token` with the hash it stored at create time
 * and then re-fetches the order (§2.6 options 1 + 4). Never throws.
 */
export function parseCoinGateCallback(request: CallbackRequest): CallbackVerdict {
  if (request.method.toUpperCase() !== 'POST') return reject('CoinGate callbacks are POST');
  if (request.body.length > MAX_BODY) return reject('callback body too large');
  const fields = readBody(request);
  if (!fields.ok) return fields;
  const get = fields.value;

  const id = get('id');
  if (!id.ok) return id;
  if (id.value === undefined || id.value === '') return reject('callback has no id');
  if (!ORDER_ID_RE.test(id.value)) return reject('callback id is not a CoinGate order id');

  const token = get('token');
  if (!token.ok) return token;
  // The WooCommerce reference plugin strips whitespace before comparing; so do we.
  const trimmed = token.value?.trim();
  if (!trimmed) return reject('callback has no token');
  if (trimmed.length > MAX_TOKEN) return reject('callback token too long');

  const status = get('status');
  if (!status.ok) return status;
  const callback = { reference: id.value, token: trimmed, ...(status.value ? { claimedStatus: status.value } : {}) };
  return { ok: true, callback };
}

/** §2.6: 200 or 204 counts as delivered; anything else is retried. */
export function coinGateCallbackReply(): CallbackReply {
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' };
}

/** The API App chooses form or JSON (§2.6); the content type says which, and a missing one is sniffed. */
function readBody(request: CallbackRequest): { ok: true; value: Fields } | { ok: false; reason: string } {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const looksJson = request.body.trimStart().startsWith('{');
  if (type === 'application/json' || (type === '' && looksJson)) return readJson(request.body);
  if (type === 'application/x-www-form-urlencoded' || type === '') return { ok: true, value: readForm(request.body) };
  return reject('callback content type is neither form nor JSON');
}

function readJson(body: string): { ok: true; value: Fields } | { ok: false; reason: string } {
  const json = parseJson(body);
  if (json === undefined) return reject('callback body is not valid JSON');
  if (!isRecord(json)) return reject('callback body is not a JSON object');
  return {
    ok: true,
    value: (name) => {
      const v = json[name];
      if (v === undefined || v === null) return { ok: true, value: undefined };
      if (typeof v === 'string') return { ok: true, value: v };
      if (typeof v === 'number' && Number.isSafeInteger(v)) return { ok: true, value: String(v) };
      return reject(`callback field ${name} has the wrong type`);
    },
  };
}

function readForm(body: string): Fields {
  const params = new URLSearchParams(body);
  return (name) => {
    const all = params.getAll(name);
    // Two values for one field is an attempt to confuse whoever reads which one: refuse it.
    if (all.length > 1) return reject(`callback field ${name} is repeated`);
    return { ok: true, value: all[0] };
  };
}
