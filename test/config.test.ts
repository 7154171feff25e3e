// loadConfig (pure): typos are named with the closest setting, bad values say why, production refuses a useless start.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { boundConfig, ConfigError, KNOWN_NAMES, loadConfig } from '../src/config.ts';
import { GATEWAYS } from '../src/gateways/registry.ts';

const KEY = '11'.repeat(32);
const PROD = {
  OC_ENV: 'production',
  OC_OCID: '500',
  OC_PRIVATE_KEY: KEY,
  OC_PUBLIC_URL: 'https://pay.shop.example',
  OC_ACCEPTS: '100',
  OC_PEERS_FILE: 'peers.json',
};
const whsec = (bytes: number) => 'whsec_' + Buffer.alloc(bytes, 7).toString('base64');

/** The ConfigError message, or a failure when loadConfig accepts. */
function problem(env: Record<string, string>, layers?: Parameters<typeof loadConfig>[1]): string {
  try {
    loadConfig(env, layers);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('unknown OC_* names (finding 5)', () => {
  it('a typo in the environment names the closest setting', () => {
    expect(problem({ OC_PORTT: '18791' })).toBe('OC_PORTT is not a setting: did you mean OC_PORT? (in the environment)');
    expect(problem({ OC_ADMIN_TOKN: 'x'.repeat(20) })).toBe('OC_ADMIN_TOKN is not a setting: did you mean OC_ADMIN_TOKEN? (in the environment)');
  });

  it('a typo in the OC_CONFIG file names the file', () => {
    expect(problem({}, { file: { path: '/etc/oc.json', values: { OC_PORTT: 18791 } } })).toBe(
      'OC_PORTT is not a setting: did you mean OC_PORT? (in the OC_CONFIG file /etc/oc.json)',
    );
  });

  it('a key without the OC_ prefix in the OC_CONFIG file is refused too', () => {
    expect(problem({}, { file: { path: 'c.json', values: { PORT: 1 } } })).toMatch(/^PORT is not a setting: did you mean OC_PORT\?/);
  });

  it('a typo in .env names the .env file', () => {
    expect(problem({}, { dotenv: { path: '/srv/.env', values: { OC_PRIVATE_KY: KEY } } })).toBe(
      'OC_PRIVATE_KY is not a setting: did you mean OC_PRIVATE_KEY? (in /srv/.env)',
    );
  });

  it('a name like no setting says so, and every unknown name is listed at once', () => {
    const msg = problem({ OC_PORTT: '1', OC_SOMETHING_ELSE_ENTIRELY: '1' });
    expect(msg.split('\n')).toEqual([
      'OC_PORTT is not a setting: did you mean OC_PORT? (in the environment)',
      'OC_SOMETHING_ELSE_ENTIRELY is not a setting: no setting has a similar name (the README lists them all under Configuration) (in the environment)',
    ]);
  });

  it('a name in the wrong case is matched to the setting', () => {
    expect(problem({ OC_Port: '1' })).toMatch(/did you mean OC_PORT\?/);
  });

  it('every gateway setting is known, taken from the gateway definitions', () => {
    const settings = GATEWAYS.flatMap((g) => g.settings);
    expect(settings.length).toBeGreaterThan(10);
    for (const name of settings) expect(KNOWN_NAMES.has(name), name).toBe(true);
    // Known names pass the check (blank values count as unset, so nothing else is validated here).
    expect(() => loadConfig(Object.fromEntries(settings.map((s) => [s, ''])))).not.toThrow();
  });

  it('every setting of the schema is known (settings added to the schema are picked up without a list to update)', () => {
    for (const name of ['OC_PORT', 'OC_CONFIG', 'OC_ALLOW_HTTP_PUBLIC_URL', 'OC_WEBHOOK_SCHEDULE', 'OC_TEST_PG_URL']) expect(KNOWN_NAMES.has(name), name).toBe(true);
  });

  it('every OC_* name the code mentions (src, bin, scripts, bench, Dockerfile) is known', () => {
    const ROOT = join(import.meta.dirname, '..');
    const files = ['src', 'bin', 'scripts', 'bench'].flatMap((d) => readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' }).map((f) => join(ROOT, d, f)));
    const mentioned = new Set<string>();
    for (const f of [...files, join(ROOT, 'Dockerfile')]) if (statSync(f).isFile()) for (const m of readFileSync(f, 'utf8').matchAll(/\bOC_[A-Z0-9_]+/g)) mentioned.add(m[0]);
    mentioned.delete('OC_PORTT'); // the typo in the error messages' example
    expect([...mentioned].filter((name) => !KNOWN_NAMES.has(name))).toEqual([]);
  });

  it('names without the OC_ prefix in the environment are not ours and are ignored', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', PORT: '1', NODE_ENV: 'x' })).not.toThrow();
  });
});

describe('values that are wrong say which setting and why (finding 6)', () => {
  it('OC_PORT=abc: a whole number 0–65535', () => {
    expect(problem({ OC_PORT: 'abc' })).toBe("OC_PORT: must be a whole number 0–65535, got 'abc'");
    expect(problem({ OC_PORT: '70000' })).toBe("OC_PORT: must be a whole number 0–65535, got '70000'");
    expect(problem({ OC_PORT: '80.5' })).toBe("OC_PORT: must be a whole number 0–65535, got '80.5'");
  });

  it('a numeric setting from the OC_CONFIG file is described the same way', () => {
    expect(problem({}, { file: { path: 'c.json', values: { OC_ORDER_TTL: 0 } } })).toBe("OC_ORDER_TTL: must be a whole number, at least 1, got '0'");
  });

  it('OC_CURRENCIES=usd says a currency code is upper case', () => {
    expect(problem({ OC_CURRENCIES: 'usd' })).toBe("OC_CURRENCIES: 'usd' is not valid: a currency code is 3 to 5 upper-case letters or digits, e.g. USD");
  });

  it('OC_ACCEPTS=abc says an OCID is a positive whole number', () => {
    expect(problem({ OC_ACCEPTS: '100,abc' })).toBe("OC_ACCEPTS: 'abc' is not valid: an OCID is a positive whole number, e.g. 100");
  });

  it('OC_HOST=999.1.1.1 is refused before any DNS lookup', () => {
    expect(problem({ OC_HOST: '999.1.1.1' })).toBe(
      "OC_HOST: must be an IP address (127.0.0.1 for this machine only, 0.0.0.0 or :: for every interface) or a host name, got '999.1.1.1'",
    );
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'my-host.internal']) expect(loadConfig({ OC_HOST: host }).host).toBe(host);
  });

  it('an enum lists its values', () => {
    expect(problem({ OC_ENV: 'prod' })).toBe("OC_ENV: must be one of development, production, test, got 'prod'");
  });

  it('a URL setting says it must be a URL', () => {
    expect(problem({ OC_COMPLETED_URL: 'shop.example/done' })).toBe("OC_COMPLETED_URL: must be an absolute URL (https://…), got 'shop.example/done'");
  });

  it('never repeats a secret value', () => {
    const msg = problem({ OC_ADMIN_TOKEN: 'tooshort-secret' });
    expect(msg).toBe('OC_ADMIN_TOKEN: must be at least 16 characters');
    expect(problem({ OC_PORT: 'x', OC_PRIVATE_KEY: 'p', OC_PRIVATE_KEY_FILE: 'f' })).not.toContain("'p'");
  });

  it('OC_PUBLIC_URL must be an origin: a path belongs in OC_BASE_PATH', () => {
    expect(problem({ OC_PUBLIC_URL: 'https://shop.example/pay' })).toMatch(/^OC_PUBLIC_URL: must be an origin only .*OC_BASE_PATH/);
  });

  it('OC_CONFIG cannot name itself inside the file', () => {
    expect(problem({}, { file: { path: 'c.json', values: { OC_CONFIG: 'other.json' } } })).toMatch(/^OC_CONFIG \(in the OC_CONFIG file c\.json\)/);
  });
});

describe('production must be callable and payable (finding 3)', () => {
  it('the complete production settings load', () => {
    expect(loadConfig(PROD).publicBaseUrl).toBe('https://pay.shop.example/opencharge');
  });

  it('OC_PUBLIC_URL is required', () => {
    const { OC_PUBLIC_URL: _, ...env } = PROD;
    expect(problem(env)).toMatch(/^OC_PUBLIC_URL: required when OC_ENV=production: the https:\/\/ origin/);
  });

  it('OC_PUBLIC_URL must be https://', () => {
    expect(problem({ ...PROD, OC_PUBLIC_URL: 'http://pay.shop.example' })).toMatch(
      /^OC_PUBLIC_URL: must be https:\/\/ when OC_ENV=production, got 'http:\/\/pay.shop.example'.*OC_ALLOW_HTTP_PUBLIC_URL=1/,
    );
  });

  it('OC_ALLOW_HTTP_PUBLIC_URL=1 is the explicit opt-out for plain HTTP', () => {
    expect(loadConfig({ ...PROD, OC_PUBLIC_URL: 'http://pay.internal:8080', OC_ALLOW_HTTP_PUBLIC_URL: '1' }).publicUrl).toBe('http://pay.internal:8080');
  });

  it('OC_ACCEPTS must name at least one settlement issuer', () => {
    expect(problem({ ...PROD, OC_ACCEPTS: '' })).toMatch(/^OC_ACCEPTS: required when OC_ENV=production/);
  });

  it('a key source is required: OC_PEERS_FILE or OC_REGISTRY_URL', () => {
    const { OC_PEERS_FILE: _, ...env } = PROD;
    expect(problem(env)).toMatch(/^OC_PEERS_FILE or OC_REGISTRY_URL: required when OC_ENV=production/);
    expect(loadConfig({ ...env, OC_REGISTRY_URL: 'https://registry.example/{ocid}' }).registryUrl).toBe('https://registry.example/{ocid}');
  });

  it('the README docker run example without these settings reports all of them at once', () => {
    const msg = problem({ OC_ENV: 'production', OC_OCID: '500', OC_PRIVATE_KEY: KEY });
    expect(msg.split('\n').map((l) => l.split(':')[0])).toEqual(['OC_PUBLIC_URL', 'OC_ACCEPTS', 'OC_PEERS_FILE or OC_REGISTRY_URL']);
  });

  it('development needs none of them', () => {
    expect(() => loadConfig({})).not.toThrow();
  });
});

describe('the public URL follows the bound address (finding 2)', () => {
  it('defaults to http://OC_HOST:OC_PORT', () => {
    const c = loadConfig({ OC_PORT: '18787' });
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:18787/opencharge');
    expect(c.publicUrlSource).toBe('bound address');
  });

  it('boundConfig puts the port actually bound into the default (OC_PORT=0)', () => {
    const c = boundConfig(loadConfig({ OC_PORT: '0' }), 40123);
    expect(c.port).toBe(40123);
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:40123/opencharge');
    expect(Object.isFrozen(c)).toBe(true);
    expect(JSON.stringify(boundConfig(loadConfig({ OC_PORT: '0', OC_ADMIN_TOKEN: 'a'.repeat(20) }), 1))).not.toContain('a'.repeat(20));
  });

  it('a wildcard host is reached as localhost, IPv6 in brackets', () => {
    expect(boundConfig(loadConfig({ OC_HOST: '0.0.0.0', OC_PORT: '0' }), 9000).publicUrl).toBe('http://localhost:9000');
    expect(boundConfig(loadConfig({ OC_HOST: '::1', OC_PORT: '0' }), 9000).publicUrl).toBe('http://[::1]:9000');
  });

  it('an explicit OC_PUBLIC_URL is kept', () => {
    const c = boundConfig(loadConfig({ OC_PORT: '0', OC_PUBLIC_URL: 'https://pay.shop.example/' }), 40123);
    expect(c.publicBaseUrl).toBe('https://pay.shop.example/opencharge');
    expect(c.publicUrlSource).toBe('OC_PUBLIC_URL');
  });
});

describe('webhook secrets are Standard Webhooks secrets (finding 9)', () => {
  const withSecret = (secret: string) => ({ OC_WEBHOOK_URL: 'https://shop.example/hook', OC_WEBHOOK_SECRET: secret });

  it('a raw secret is refused, naming the setting and how to make one, without echoing it', () => {
    const msg = problem(withSecret('shop-secret-copied-from-a-dashboard'));
    expect(msg).toBe(
      'OC_WEBHOOK_SECRET: must be a Standard Webhooks secret, whsec_ followed by the base64 of at least 24 random bytes; make one with `opencharge-merchant keygen --webhook-secret`',
    );
    expect(() => new Webhook('shop-secret-copied-from-a-dashboard')).toThrow();
  });

  it('whsec_ with something that is not base64 is refused', () => {
    expect(problem(withSecret('whsec_console_test'))).toMatch(/^OC_WEBHOOK_SECRET: must be a Standard Webhooks secret/);
  });

  it('a short whsec_ secret (under 24 bytes) is refused', () => {
    expect(problem(withSecret(whsec(16)))).toMatch(/^OC_WEBHOOK_SECRET: .*at least 24 random bytes/);
  });

  it('names which secret of a rotation is wrong', () => {
    expect(problem(withSecret(`${whsec(32)},plain`))).toMatch(/\(secret 2 of 2\)/);
  });

  it('whsec_ secrets are accepted, and the Standard Webhooks library accepts the same ones', () => {
    const secrets = [whsec(24), whsec(32), 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'];
    expect(loadConfig(withSecret(secrets.join(', '))).webhookSecrets).toEqual(secrets);
    for (const s of secrets) expect(() => new Webhook(s)).not.toThrow();
  });
});

describe('the README', () => {
  const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
  const section = (title: string) => readme.slice(readme.indexOf(title), readme.indexOf('\n## ', readme.indexOf(title) + 1));

  it('lists every setting in the Configuration table', () => {
    const table = section('## Configuration');
    const gateway = new Set(GATEWAYS.flatMap((g) => g.settings));
    for (const name of KNOWN_NAMES) if (!gateway.has(name)) expect(table, name).toContain(`\`${name}\``);
  });

  it('lists every gateway setting in the Gateways section', () => {
    const gateways = section('## Gateways');
    for (const name of GATEWAYS.flatMap((g) => g.settings)) expect(gateways, name).toContain(name);
  });

  /** The OC_* assignments of a README code block (`OC_X=v` or `-e OC_X=v`), with the … placeholders filled in. */
  function settingsIn(block: string): Record<string, string> {
    const fill: Record<string, string> = { OC_OCID: '500', OC_PRIVATE_KEY: KEY, OC_ADMIN_TOKEN: '0123456789abcdef', OC_WEBHOOK_SECRET: whsec(32) };
    const env: Record<string, string> = {};
    for (const m of block.matchAll(/\b(OC_[A-Z0-9_]+)=(\S+)/g)) env[m[1]!] = m[2]!.includes('…') ? fill[m[1]!]! : m[2]!;
    return env;
  }

  it('the Deploying examples (Node, container with the Dockerfile settings) start in production', () => {
    const node = /### On Node\n\n```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(() => loadConfig(settingsIn(node))).not.toThrow();
    const docker = /docker run[\s\S]*?```/.exec(section('### In a container'))![0];
    const dockerfile = readFileSync(join(import.meta.dirname, '../Dockerfile'), 'utf8');
    const image = settingsIn(/^ENV ([\s\S]*?)\n\S/m.exec(dockerfile)![1]!);
    expect(image.OC_ENV).toBe('production');
    expect(() => loadConfig({ ...image, ...settingsIn(docker) })).not.toThrow();
  });
});
