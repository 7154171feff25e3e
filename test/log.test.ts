// The logger: pino's line shape, levels, redaction by field name (one test per secret kind) and per-request fields.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createMemoryLogger, SECRET_FIELDS } from '../src/log.ts';

type Line = Record<string, unknown>;
const parsed = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);

/** Logs `fields` once and returns the raw line, which must hold no `secret` anywhere. */
function loggedWithout(fields: Record<string, unknown>, ...secrets: string[]): Line {
  const log = createMemoryLogger('info');
  log.info('something happened', fields);
  expect(log.lines).toHaveLength(1);
  for (const s of secrets) expect(log.lines[0]).not.toContain(s);
  return JSON.parse(log.lines[0]!) as Line;
}

describe('line shape', () => {
  it("is pino's: numeric level, epoch-ms time, pid, hostname, msg, then the fields", () => {
    const log = createMemoryLogger('debug');
    const before = Date.now();
    log.info('order created', { orderId: 'ord_1', amount: '9.99' });
    const [line] = parsed(log.lines);
    expect(line).toEqual({ level: 30, time: expect.any(Number), pid: process.pid, hostname: hostname(), msg: 'order created', orderId: 'ord_1', amount: '9.99' });
    expect(line!.time as number).toBeGreaterThanOrEqual(before);
  });

  it("uses pino's level numbers: debug 20, info 30, warn 40, error 50", () => {
    const log = createMemoryLogger('debug');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(parsed(log.lines).map((l) => [l.level, l.msg])).toEqual([[20, 'd'], [30, 'i'], [40, 'w'], [50, 'e']]);
  });

  it('drops lines below OC_LOG_LEVEL; silent drops everything', () => {
    const warn = createMemoryLogger('warn');
    warn.debug('d');
    warn.info('i');
    warn.warn('w');
    warn.error('e');
    expect(parsed(warn.lines).map((l) => l.msg)).toEqual(['w', 'e']);
    const silent = createMemoryLogger('silent');
    silent.error('e');
    expect(silent.lines).toEqual([]);
  });

  it('writes an Error field as its name and message only', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), { request: { headers: { 'x-attached': 'attached-detail' } } });
    expect(loggedWithout({ error: err }, 'attached-detail', '    at ')).toMatchObject({ error: { name: 'Error', message: 'connect ECONNREFUSED' } });
  });
});

describe('redaction by field name (pino redact)', () => {
  const WEBHOOK_KEY = Buffer.from('secret-secret-secret-secret!').toString('base64');
  it('private key: OC_PRIVATE_KEY under any of its names, and a whole Config object', () => {
    const key = 'ab'.repeat(32);
    const line = loggedWithout({ privateKey: key, env: { OC_PRIVATE_KEY: key }, signer: { private_key: key } }, key);
    expect(line).toMatchObject({ privateKey: '[redacted]', env: { OC_PRIVATE_KEY: '[redacted]' }, signer: { private_key: '[redacted]' } });
    const config = loadConfig({ OC_PRIVATE_KEY: key, OC_ADMIN_TOKEN: 'admin-token-0123456789', OC_WEBHOOK_URL: 'https://shop.example/h', OC_WEBHOOK_SECRET: `whsec_${WEBHOOK_KEY}` });
    loggedWithout({ config }, key, 'admin-token-0123456789', WEBHOOK_KEY);
  });

  it('admin token: OC_ADMIN_TOKEN as adminToken, token or bearer', () => {
    const token = 'admin-token-0123456789abcdef';
    const line = loggedWithout({ adminToken: token, token, auth: { bearer: token }, env: { OC_ADMIN_TOKEN: token } }, token);
    expect(line).toMatchObject({ adminToken: '[redacted]', token: '[redacted]', auth: { bearer: '[redacted]' } });
  });

  it('webhook secret: OC_WEBHOOK_SECRET, one or several (rotation)', () => {
    const one = 'whsec_' + Buffer.from('shop webhook secret number one!!').toString('base64');
    const two = 'whsec_' + Buffer.from('shop webhook secret number two!!').toString('base64');
    const line = loggedWithout({ webhookSecrets: [one, two], worker: { secrets: [one] }, webhookSecret: one, env: { OC_WEBHOOK_SECRET: `${one},${two}` } }, one.slice(6), two.slice(6));
    expect(line).toMatchObject({ webhookSecrets: '[redacted]', worker: { secrets: '[redacted]' }, webhookSecret: '[redacted]' });
  });

  it('gateway credentials: API tokens, keys, client secrets, access tokens and their OC_* settings', () => {
    const values = SECRET_FIELDS.gatewayCredentials.map((name, i) => [name, `gw-credential-${i}-${name}`] as const);
    const fields = { gateway: 'iumicash', config: Object.fromEntries(values), ...Object.fromEntries(values.map(([n, v]) => [n, v])) };
    const line = loggedWithout(fields, ...values.map(([, v]) => v));
    expect(line.gateway).toBe('iumicash');
    for (const [name] of values) expect(line[name], name).toBe('[redacted]');
  });

  it('session cookie: the console cookie in cookie / set-cookie headers or by its name', () => {
    const session = `${'0f'.repeat(16)}.1800000000.${'A'.repeat(43)}`;
    const line = loggedWithout(
      { headers: { cookie: `oc_console=${session}`, 'set-cookie': `oc_console=${session}; HttpOnly`, accept: 'text/html' }, oc_console: session, Cookie: session },
      session,
    );
    expect(line).toMatchObject({ headers: { cookie: '[redacted]', 'set-cookie': '[redacted]', accept: 'text/html' }, oc_console: '[redacted]' });
  });

  it('Authorization header: bearer and basic credentials, in a header bag at any of three depths', () => {
    const bearer = 'Bearer admin-token-0123456789abcdef';
    const basic = 'Basic ' + Buffer.from('client-id:client-secret-value').toString('base64');
    const line = loggedWithout(
      { authorization: bearer, headers: { Authorization: basic, 'content-type': 'application/json' }, req: { headers: { authorization: bearer, 'proxy-authorization': basic } } },
      bearer.slice(7),
      basic.slice(6),
    );
    expect(line).toMatchObject({ authorization: '[redacted]', headers: { Authorization: '[redacted]', 'content-type': 'application/json' }, req: { headers: { authorization: '[redacted]' } } });
  });

  it('every secret field name is redacted at the top level and one and two levels down', () => {
    const names = Object.values(SECRET_FIELDS).flat();
    const fields = Object.fromEntries(names.map((n) => [n, `top-${n}`]));
    const log = createMemoryLogger('info');
    log.info('all', { ...fields, one: { ...fields }, two: { deep: { ...fields } } });
    expect(log.lines[0]).not.toContain('top-');
    const [line] = parsed(log.lines);
    for (const n of names) {
      expect(line![n], n).toBe('[redacted]');
      expect((line!.one as Line)[n], `one.${n}`).toBe('[redacted]');
      expect(((line!.two as Line).deep as Line)[n], `two.deep.${n}`).toBe('[redacted]');
    }
  });

  it('leaves ordinary fields alone', () => {
    expect(loggedWithout({ orderId: 'ord_1', tokenHash: 'ef'.repeat(4), gateway: 'coingate', status: 200 })).toMatchObject({ orderId: 'ord_1', tokenHash: 'efefefef', gateway: 'coingate', status: 200 });
  });
});

describe('withFields (per-request fields)', () => {
  it('adds the fields to every line written while fn runs, across awaits, and only there', async () => {
    const log = createMemoryLogger('info');
    log.info('before');
    await log.withFields({ reqId: 'r-1' }, async () => {
      log.info('start');
      await new Promise((r) => setTimeout(r, 1));
      log.warn('after an await', { orderId: 'ord_1' });
    });
    log.info('after');
    expect(parsed(log.lines).map((l) => [l.msg, l.reqId])).toEqual([
      ['before', undefined],
      ['start', 'r-1'],
      ['after an await', 'r-1'],
      ['after', undefined],
    ]);
  });

  it('keeps two interleaved requests apart', async () => {
    const log = createMemoryLogger('info');
    const tick = () => new Promise((r) => setImmediate(r));
    await Promise.all(
      ['a', 'b'].map((id) =>
        log.withFields({ reqId: id }, async () => {
          for (let i = 0; i < 3; i++) {
            log.info(`step ${i} of ${id}`);
            await tick();
          }
        }),
      ),
    );
    for (const l of parsed(log.lines)) expect(String(l.msg).endsWith(String(l.reqId))).toBe(true);
    expect(log.lines).toHaveLength(6);
  });
});
