// The settings' files: ./.env under the real environment, the OC_CONFIG JSON file with line:column errors, key files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFromEnv } from '../src/runtime/config-file.ts';
import { findSyntaxError, parseJsonText } from '../src/json-text.ts';
import { keyFromFileText } from '../src/key-file.ts';
import { resolveIdentity } from '../src/identity.ts';
import { loadConfig } from '../src/config.ts';
import { nobleBackend } from '../src/protocol/noble.ts';
import { main } from '../src/cli/index.ts';
import { loadInventoryFile } from '../src/orders/inventory.ts';

const root = mkdtempSync(join(tmpdir(), 'oc-config-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function folder(files: Record<string, string>): string {
  const dir = join(root, `case-${++n}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const KEY = '22'.repeat(32);
const KEYGEN_OUTPUT = `OC_PRIVATE_KEY=${KEY}\n# public key: ${'ab'.repeat(64)}\n`;

describe('.env in the working directory (finding 4)', () => {
  it('is read, and the banner source names the file', () => {
    const dir = folder({ '.env': 'OC_NAME="Corner shop"\nOC_PORT=18790\n' });
    const c = loadConfigFromEnv({}, dir);
    expect(c.name).toBe('Corner shop');
    expect(c.port).toBe(18790);
    expect(c.sources.envFile).toBe(join(dir, '.env'));
  });

  it('the real environment wins over .env', () => {
    const dir = folder({ '.env': 'OC_NAME=from .env\nOC_CONTACT=ops@shop.example\n' });
    const c = loadConfigFromEnv({ OC_NAME: 'from the environment' }, dir);
    expect(c.name).toBe('from the environment');
    expect(c.contact).toBe('ops@shop.example');
  });

  it('the keygen lines appended to .env give the merchant key', () => {
    const dir = folder({ '.env': `OC_OCID=501\n${KEYGEN_OUTPUT}` });
    const c = loadConfigFromEnv({}, dir);
    expect(c.privateKey).toBe(KEY);
    expect(c.ocid).toBe(501);
  });

  it('without .env the sources say so', () => {
    expect(loadConfigFromEnv({}, folder({})).sources.envFile).toBeUndefined();
  });

  it('only ./.env: .env.local and .env.production are not read', () => {
    const dir = folder({ '.env.local': 'OC_NAME=local\n', '.env.production': 'OC_NAME=production\n' });
    expect(loadConfigFromEnv({}, dir).name).toBe('Opencharge merchant');
  });

  it('names in .env without the OC_ prefix are ignored and listed', () => {
    const dir = folder({ '.env': 'PGPASSWORD=x\nOC_NAME=shop\n' });
    expect(loadConfigFromEnv({}, dir).sources.envFileIgnored).toEqual(['PGPASSWORD']);
  });

  it('a typo in .env is an error naming the file and the closest setting', () => {
    const dir = folder({ '.env': 'OC_ADMIN_TOKN=0123456789abcdef\n' });
    expect(() => loadConfigFromEnv({}, dir)).toThrow(`OC_ADMIN_TOKN is not a setting: did you mean OC_ADMIN_TOKEN? (in ${join(dir, '.env')})`);
  });

  it('.env may name the OC_CONFIG file', () => {
    const dir = folder({ '.env': 'OC_CONFIG=settings.json\n', 'settings.json': '{"OC_NAME": "from the file"}' });
    expect(loadConfigFromEnv({}, dir).name).toBe('from the file');
  });
});

describe('the OC_CONFIG file', () => {
  it('holds OC_* settings; the environment and .env win over it', () => {
    const dir = folder({ 'c.json': '{"OC_NAME": "file", "OC_CONTACT": "file@x", "OC_ACCEPTS": [100, 101], "OC_PORT": 18791}', '.env': 'OC_CONTACT=dotenv@x\n' });
    const c = loadConfigFromEnv({ OC_CONFIG: 'c.json', OC_NAME: 'env' }, dir);
    expect([c.name, c.contact, c.accepts, c.port, c.sources.configFile]).toEqual(['env', 'dotenv@x', [100, 101], 18791, join(dir, 'c.json')]);
  });

  it('a typo in it is an error naming the closest setting (finding 5)', () => {
    const dir = folder({ 'c.json': '{"OC_PORTT": 18791}' });
    expect(() => loadConfigFromEnv({ OC_CONFIG: 'c.json' }, dir)).toThrow(`OC_PORTT is not a setting: did you mean OC_PORT? (in the OC_CONFIG file ${join(dir, 'c.json')})`);
  });

  it('invalid JSON is reported with line and column (finding 6)', () => {
    const dir = folder({ 'c.json': '{\n  "OC_NAME": "shop",\n  "OC_PORT": 18791,\n}\n' });
    expect(() => loadConfigFromEnv({ OC_CONFIG: 'c.json' }, dir)).toThrow(
      `OC_CONFIG: ${join(dir, 'c.json')} is not valid JSON: line 4, column 1: expected a property name in double quotes, found '}' (a trailing comma?)`,
    );
  });

  it('a missing file names the setting and the path', () => {
    const dir = folder({});
    expect(() => loadConfigFromEnv({ OC_CONFIG: 'nope.json' }, dir)).toThrow(`OC_CONFIG: ${join(dir, 'nope.json')} does not exist`);
  });

  it('a file that is not an object says what it must hold', () => {
    const dir = folder({ 'c.json': '["OC_PORT"]' });
    expect(() => loadConfigFromEnv({ OC_CONFIG: 'c.json' }, dir)).toThrow(/must hold a JSON object of OC_\* settings/);
  });
});

describe('OC_INVENTORY_FILE syntax errors', () => {
  it('name the setting, the path, the line and the column', () => {
    const dir = folder({ 'inv.json': '{"currency": "USD",\n "items": [{"id": "a" "name": "A", "price": "1.00"}]}' });
    expect(() => loadInventoryFile(join(dir, 'inv.json'), 500)).toThrow(`OC_INVENTORY_FILE: ${join(dir, 'inv.json')} is not valid JSON: line 2, column 23: expected ',' or '}', found '"'`);
  });
});

describe('parseJsonText', () => {
  it('agrees with JSON.parse about what is JSON', () => {
    const samples = ['{}', '[]', '0', '-1.5e+3', '"a\\u00e9\\n"', '{"a":[1,{"b":null}],"c":true}', ' \n{ "a" : 1 } \n', '{', '[1,]', '{"a" 1}', '01', '1.', '.5', '"\t"', 'tru', 'nul', '{"a":1}}', "'a'", '', '"\\x"', '[1 2]', '{"a":1,}', 'NaN', '-'];
    for (const s of samples) {
      let ok = true;
      try {
        JSON.parse(s);
      } catch {
        ok = false;
      }
      expect(findSyntaxError(s) === undefined, JSON.stringify(s)).toBe(ok);
    }
  });

  it('counts lines and columns from 1 and allows a byte-order mark', () => {
    expect(() => parseJsonText('[\n  1,\n  2\n  3\n]', 'f.json')).toThrow("f.json is not valid JSON: line 4, column 3: expected ',' or ']', found '3'");
    expect(parseJsonText('\uFEFF{"a":1}', 'f.json')).toEqual({ a: 1 });
  });
});

describe('one key-file parser for OC_PRIVATE_KEY_FILE and sign --key-file (finding 4)', () => {
  const files: Record<string, string> = {
    'bare hex': `${KEY}\n`,
    'keygen output': KEYGEN_OUTPUT,
    'keygen output with OC_OCID, comments and quotes': `# merchant key, do not commit\nOC_OCID=501\nexport OC_PRIVATE_KEY="${KEY}"\n# public key: …\n`,
  };

  for (const [label, text] of Object.entries(files)) {
    it(`${label}: both accept it and get the same key`, async () => {
      const dir = folder({ 'key.env': text });
      const config = loadConfig({ OC_OCID: '501', OC_PRIVATE_KEY_FILE: 'key.env', OC_DATABASE_URL: 'sqlite::memory:' });
      const identity = resolveIdentity(config, nobleBackend, dir);
      const out: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t), env: {}, cwd: dir };
      const code = await main(['sign', '--key-file', 'key.env', '--ocid', '1', '--timestamp', '1', '--nonce', 'n', '--method', 'GET', '--path', '/x'], io);
      expect(code, out.join('\n')).toBe(0);
      expect(out.join('\n')).toContain(`public key:  ${identity.publicKeyHex}`);
    });
  }

  it('a .env file without OC_PRIVATE_KEY says what the file must hold', () => {
    expect(keyFromFileText('OC_OCID=501\n')).toEqual({ ok: false, reason: expect.stringMatching(/^has no OC_PRIVATE_KEY= line/) });
    const dir = folder({ 'key.env': 'OC_OCID=501\n' });
    const config = loadConfig({ OC_OCID: '501', OC_PRIVATE_KEY_FILE: 'key.env' });
    expect(() => resolveIdentity(config, nobleBackend, dir)).toThrow(`OC_PRIVATE_KEY_FILE: ${join(dir, 'key.env')} has no OC_PRIVATE_KEY= line`);
  });
});
