// GET {base}/openapi.json: a valid OpenAPI 3.1 document of exactly the routes the production app serves, schemas from zod.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
// ajv comes with @seriousme/openapi-schema-validator (its validator engine); used here for JSON Schema 2020-12 instances.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ADMIN_TOKEN, productionApp } from '../helpers/production-app.ts';
import { createOrderBody } from '../../src/orders/create-order.ts';
import { webhookBody } from '../../src/orders/proof-shape.ts';
import { ERROR_STATUS } from '../../src/errors.ts';
import { makeProof } from '../helpers/proofs.ts';

type Doc = {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes: Record<string, Record<string, string>> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const FULL = { OC_ADMIN_TOKEN: ADMIN_TOKEN, OC_COINGATE_TOKEN: 'coingate-test-token', OC_METRICS: '0' };

let full: Awaited<ReturnType<typeof productionApp>>;
let doc: Doc;
beforeAll(async () => {
  full = await productionApp(FULL);
  const res = await full.app.request('/opencharge/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await res.json()) as Doc;
});
afterAll(async () => full.close());

/** What the app routes, as "METHOD /path/{param}": middleware and catch-alls (ALL) and the console's HTML pages left out. */
function served(app: { routes: Array<{ method: string; path: string }> }): string[] {
  const out = new Set<string>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path === '/console' || r.path.startsWith('/console/')) continue;
    out.add(`${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
  }
  return [...out].sort();
}

function documented(d: Doc): string[] {
  return Object.entries(d.paths)
    .flatMap(([path, item]) => Object.keys(item).filter((k) => METHODS.includes(k)).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe('the OpenAPI document', () => {
  it('validates against the OpenAPI 3.1 schema', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('documents every route the production app serves (admin token set, a gateway enabled), and nothing else', () => {
    const routes = served(full.app);
    // The enumeration is not vacuous: each kind of route is there.
    expect(routes).toEqual(expect.arrayContaining(['GET /healthz', 'POST /opencharge/orders/create', 'POST /admin/orders/{id}/pay', 'POST /opencharge/callbacks/{gateway}', 'GET /metrics', 'GET /opencharge/openapi.json']));
    expect(documented(doc)).toEqual(routes);
  });

  it('leaves out what is not mounted: no admin token and no gateway → no /admin, no /callbacks, no /metrics, and those answer 404', async () => {
    const bare = await productionApp();
    try {
      const d = (await (await bare.app.request('/opencharge/openapi.json')).json()) as Doc;
      expect(await new Validator().validate(d as unknown as Record<string, unknown>)).toEqual({ valid: true });
      const paths = Object.keys(d.paths);
      expect(paths.filter((p) => p.startsWith('/admin') || p.includes('/callbacks/') || p === '/metrics')).toEqual([]);
      for (const [method, path] of [['GET', '/admin/orders'], ['GET', '/opencharge/callbacks/coingate'], ['GET', '/metrics']] as const)
        expect((await bare.app.request(path, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404);
      // Everything it does document is served.
      const routes = served(bare.app);
      for (const op of documented(d)) expect(routes).toContain(op);
    } finally {
      await bare.close();
    }
  });

  it('is served at {base}/openapi.json and follows OC_BASE_PATH, its paths too', async () => {
    const moved = await productionApp({ ...FULL, OC_BASE_PATH: '/pay' });
    try {
      expect((await moved.app.request('/opencharge/openapi.json')).status).toBe(404);
      const d = (await (await moved.app.request('/pay/openapi.json')).json()) as Doc;
      expect(Object.keys(d.paths)).toEqual(expect.arrayContaining(['/pay/orders/create', '/pay/metadata.json', '/pay/openapi.json', '/healthz']));
      expect(documented(d)).toEqual(served(moved.app));
    } finally {
      await moved.close();
    }
  });

  it('names the public URL as its server; paths carry the base path (signatures cover it)', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'https://pay.shop.example' })]);
    expect(Object.keys(doc.paths)).toContain('/opencharge/transfer/webhook');
  });

  it('describes the X-OC-* signature as one requirement of four apiKey headers, with the canonical request', () => {
    const schemes = doc.components.securitySchemes;
    for (const name of ['X-OC-ID', 'X-OC-Timestamp', 'X-OC-Nonce', 'X-OC-Signature']) expect(schemes[name]).toMatchObject({ type: 'apiKey', in: 'header', name });
    expect(schemes['X-OC-Signature']!.description).toContain('`ocid\\ntimestamp\\nnonce\\nMETHOD\\npath\\nsha256hex(body)`');
    expect(schemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const four = [{ 'X-OC-ID': [], 'X-OC-Timestamp': [], 'X-OC-Nonce': [], 'X-OC-Signature': [] }];
    for (const [method, path] of [['get', '/opencharge/capabilities'], ['post', '/opencharge/orders/create'], ['post', '/opencharge/transfer/webhook']] as const)
      expect(doc.paths[path]![method]!.security).toEqual(four);
    for (const [path, item] of Object.entries(doc.paths)) if (path.startsWith('/admin/')) for (const op of Object.values(item)) expect(op.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/opencharge/metadata.json']!.get!.security).toEqual([]);
  });

  it('has one shared error envelope with the closed list of codes, referenced by every operation', () => {
    const error = doc.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } }; required: string[] } } };
    expect(error.properties.error.properties.code.enum.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    expect(error.properties.error.required.sort()).toEqual(['code', 'message']);
    for (const item of Object.values(doc.paths)) for (const op of Object.values(item)) expect(JSON.stringify(op.responses.default)).toMatch(/#\/components\/responses\/(Signed)?Error/);
  });
});

describe('schemas derived from zod', () => {
  const ajv = new Ajv2020({ allErrors: true });
  const cases = (name: string, zodSchema: { safeParse(v: unknown): { success: boolean } }, examples: Array<[string, unknown, boolean]>) =>
    it.each(examples)(`${name}: %s → accepted: %s`, (_label, value, accepted) => {
      const check = ajv.compile(doc.components.schemas[name]!);
      expect(zodSchema.safeParse(value).success).toBe(accepted);
      expect(check(value)).toBe(accepted);
    });

  cases('CreateOrderRequest', createOrderBody, [
    ['an amount order with an item (quantity defaulted)', { amount: '12.50', currency: 'USD', items: [{ id: 'tea' }] }, true],
    ['a lower-case currency', { amount: '12.50', currency: 'usd' }, false],
    ['an unknown field', { amount: '12.50', currency: 'USD', colour: 'red' }, false],
    ['the id ".." (a dot segment in urls.order)', { id: '..', amount: '1', currency: 'USD' }, false],
  ]);
  cases('TransferProofRequest', webhookBody, [
    ['a signed proof', makeProof('ord_1'), true],
    ['a proof without txid', (() => { const p = makeProof('ord_1'); delete (p.proof as Record<string, unknown>).txid; return p; })(), false],
    ['an amount as a number', (() => { const p = makeProof('ord_1'); (p.proof as Record<string, unknown>).amount = 15; return p; })(), false],
  ]);
});

describe('real answers match the documented response schemas', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const matches = (schema: string, value: unknown) => {
    const check = ajv.compile(doc.components.schemas[schema]!);
    expect(check(value), JSON.stringify(check.errors)).toBe(true);
  };

  it('a signed order, its status, an admin list and an error', async () => {
    const created = await full.signed('POST', '/opencharge/orders/create', JSON.stringify({ amount: '4.20', currency: 'USD', memo: 'tea' }));
    expect(created.status).toBe(200);
    const order = (await created.json()) as { order: { id: string } };
    matches('SignedOrder', order);
    matches('OrderStatus', await (await full.app.request(`/opencharge/orders/${order.order.id}/status`)).json());
    matches('OrderList', await (await full.admin('/admin/orders')).json());
    matches('OrderDetail', await (await full.admin(`/admin/orders/${order.order.id}`)).json());
    matches('Metadata', await (await full.app.request('/opencharge/metadata.json')).json());
    const missing = await full.app.request('/opencharge/orders/ord_missing');
    expect(missing.status).toBe(404);
    matches('Error', await missing.json());
  });
});
