// URL policy for key resolution: HTTPS only, HTTP to loopback only when allowed, base URLs → /metadata.json.
import { describe, expect, it } from 'vitest';
import { checkFetchUrl, isLoopbackHost, metadataUrlFor, urlForLog } from '../../src/peers/url-policy.ts';

const reasonOf = (url: string, allowHttp: boolean) => {
  const r = checkFetchUrl(url, allowHttp);
  return r.ok ? 'ok' : r.reason;
};

describe('checkFetchUrl', () => {
  it('accepts https anywhere', () => {
    expect(reasonOf('https://peer.example/metadata.json', false)).toBe('ok');
  });

  it('refuses plain http when allowHttp is false, even to loopback', () => {
    expect(reasonOf('http://127.0.0.1:8080/metadata.json', false)).toMatch(/HTTPS only/);
  });

  it.each(['http://127.0.0.1/', 'http://127.1.2.3:9/', 'http://127.1/', 'http://LOCALHOST/', 'http://[::1]:80/'])(
    'accepts http to loopback %s when allowed',
    (url) => expect(reasonOf(url, true)).toBe('ok'),
  );

  it.each([
    'http://10.0.0.1/',
    'http://0.0.0.0/',
    'http://peer.example/',
    'http://127.0.0.1.evil.example/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost.evil.example/',
  ])('refuses http to non-loopback %s even when allowed', (url) => {
    expect(reasonOf(url, true)).toMatch(/loopback/);
  });

  it('refuses other schemes', () => {
    expect(reasonOf('file:///etc/passwd', true)).toMatch(/scheme file:/);
    expect(reasonOf('ftp://peer.example/m.json', true)).toMatch(/scheme ftp:/);
  });

  it('refuses URLs with credentials', () => {
    expect(reasonOf('https://user:pw@peer.example/metadata.json', false)).toMatch(/credentials/);
  });

  it('refuses relative and malformed URLs', () => {
    expect(reasonOf('/metadata.json', true)).toMatch(/not a valid/);
    expect(reasonOf('https://', true)).toMatch(/not a valid/);
  });
});

describe('isLoopbackHost', () => {
  it('rejects out-of-range octets', () => {
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
  });
});

describe('metadataUrlFor', () => {
  const m = (u: string) => metadataUrlFor(new URL(u)).href;
  it('keeps a URL whose path ends in .json', () => {
    expect(m('https://p.example/x/meta.json')).toBe('https://p.example/x/meta.json');
  });
  it('appends /metadata.json to a base URL, with or without a trailing slash', () => {
    expect(m('https://p.example/opencharge')).toBe('https://p.example/opencharge/metadata.json');
    expect(m('https://p.example/opencharge/')).toBe('https://p.example/opencharge/metadata.json');
    expect(m('https://p.example')).toBe('https://p.example/metadata.json');
  });
  it('looks at the path, not the query', () => {
    expect(m('https://p.example/api?f=x.json')).toBe('https://p.example/api/metadata.json?f=x.json');
  });
});

describe('urlForLog', () => {
  it('drops query strings and credentials', () => {
    expect(urlForLog('https://u:p@p.example/m.json?token=abc')).toBe('https://p.example/m.json');
    expect(urlForLog('nonsense')).toBe('[invalid URL]');
  });
});
