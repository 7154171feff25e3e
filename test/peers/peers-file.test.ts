// The static peers file: valid entries normalised, every kind of misconfiguration throws naming file and entry.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPeersFile, parsePeers } from '../../src/peers/peers-file.ts';
import { bytesToHex } from '../../src/protocol/hex.ts';
import { secp } from '../../src/protocol/noble.ts';

const priv = new Uint8Array(32).fill(0x11);
const hex128 = bytesToHex(secp.getPublicKey(priv, false).subarray(1));
const hex66 = bytesToHex(secp.getPublicKey(priv, true));
const SRC = '/etc/oc/peers.json';

describe('parsePeers: valid files', () => {
  it('parses every source kind and keeps names', () => {
    const peers = parsePeers(
      [
        { ocid: 1, publicKey: hex128, name: 'Static' },
        { ocid: 2, metadataUrl: 'https://a.example/meta.json' },
        { ocid: 3, endpoint: 'https://b.example/opencharge' },
        { ocid: 4, publicKey: hex128, metadataUrl: 'https://c.example/m.json', endpoint: 'https://c.example' },
      ],
      SRC,
    );
    expect(peers).toEqual([
      { ocid: 1, publicKey: hex128, name: 'Static' },
      { ocid: 2, metadataUrl: 'https://a.example/meta.json' },
      { ocid: 3, endpoint: 'https://b.example/opencharge' },
      { ocid: 4, publicKey: hex128, metadataUrl: 'https://c.example/m.json', endpoint: 'https://c.example' },
    ]);
    expect(Object.isFrozen(peers[0])).toBe(true);
  });

  it('normalises 66-hex compressed and 0x04-prefixed keys to 128 hex', () => {
    const peers = parsePeers([{ ocid: 1, publicKey: hex66 }, { ocid: 2, publicKey: '0x04' + hex128.toUpperCase() }], SRC);
    expect(peers.map((p) => p.publicKey)).toEqual([hex128, hex128]);
  });

  it('accepts an empty array', () => {
    expect(parsePeers([], SRC)).toEqual([]);
  });

  it('accepts plain http URLs here (the resolver applies the loopback policy)', () => {
    expect(parsePeers([{ ocid: 1, endpoint: 'http://127.0.0.1:8080' }], SRC)).toHaveLength(1);
  });
});

describe('parsePeers: misconfiguration throws', () => {
  const bad = (json: unknown) => () => parsePeers(json, SRC);

  it('not an array', () => {
    expect(bad({ peers: [] })).toThrow(`${SRC}: peers file must be a JSON array`);
    expect(bad(null)).toThrow(/must be a JSON array/);
  });

  it('an entry that is not an object', () => {
    expect(bad(['1'])).toThrow(`${SRC}: entry [0]`);
  });

  it.each([0, -5, 1.5, '42', 2 ** 53, null])('bad ocid %s', (ocid) => {
    expect(bad([{ ocid, publicKey: hex128 }])).toThrow(new RegExp(`^${SRC}: entry \\[0\\].*ocid:`));
  });

  it('missing ocid', () => {
    expect(bad([{ publicKey: hex128 }])).toThrow(/entry \[0\]: ocid:/);
  });

  it('bad key: not hex', () => {
    expect(bad([{ ocid: 7, publicKey: 'zz'.repeat(64) }])).toThrow(`${SRC}: entry [0] (ocid 7): publicKey: public key is not hex`);
  });

  it('bad key: not on the curve', () => {
    expect(bad([{ ocid: 7, publicKey: '11'.repeat(64) }])).toThrow(/\(ocid 7\): publicKey: .*not a point/);
  });

  it('bad key: wrong length', () => {
    expect(bad([{ ocid: 7, publicKey: 'ab'.repeat(20) }])).toThrow(/\(ocid 7\): publicKey: .*128, 130 or 66/);
  });

  it('bad key: not a string', () => {
    expect(bad([{ ocid: 7, publicKey: 12 }])).toThrow(/\(ocid 7\): publicKey:/);
  });

  it('missing all of publicKey, metadataUrl, endpoint', () => {
    expect(bad([{ ocid: 1, publicKey: hex128 }, { ocid: 9, name: 'nothing' }])).toThrow(
      `${SRC}: entry [1] (ocid 9): needs at least one of publicKey, metadataUrl, endpoint`,
    );
  });

  it('duplicate ocid names both entries', () => {
    expect(bad([{ ocid: 5, publicKey: hex128 }, { ocid: 6, publicKey: hex128 }, { ocid: 5, endpoint: 'https://x.example' }])).toThrow(
      `${SRC}: entry [2] (ocid 5): duplicate ocid 5 (first at entry [0])`,
    );
  });

  it.each([
    ['metadataUrl', 'not a url'],
    ['metadataUrl', 'ftp://x.example/m.json'],
    ['endpoint', '/relative/path'],
    ['endpoint', 'file:///etc/passwd'],
  ])('bad URL in %s: %s', (field, value) => {
    expect(bad([{ ocid: 3, [field]: value }])).toThrow(new RegExp(`\\(ocid 3\\): ${field}: must be an http\\(s\\) URL`));
  });

  it('an unknown field (e.g. a misspelt publickey)', () => {
    expect(bad([{ ocid: 3, publickey: hex128 }])).toThrow(/\(ocid 3\): .*publickey/);
  });

  it('a non-string name', () => {
    expect(bad([{ ocid: 3, publicKey: hex128, name: 5 }])).toThrow(/\(ocid 3\): name:/);
  });
});

describe('loadPeersFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-peers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and parses a file', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, JSON.stringify([{ ocid: 1, publicKey: hex66 }]));
    expect(loadPeersFile(path)).toEqual([{ ocid: 1, publicKey: hex128 }]);
  });

  it('a missing file throws naming the path', () => {
    const path = join(dir, 'missing.json');
    expect(() => loadPeersFile(path)).toThrow(`${path}: cannot read peers file (OC_PEERS_FILE): ENOENT`);
  });

  it('invalid JSON throws naming the setting, the path, the line and the column', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '[\n  {"ocid": 1,\n');
    expect(() => loadPeersFile(path)).toThrow(`OC_PEERS_FILE: ${path} is not valid JSON: line 3, column 1: expected a property name in double quotes, found the end of the file`);
  });

  it('a bad entry throws naming the path', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify([{ ocid: 1 }]));
    expect(() => loadPeersFile(path)).toThrow(`${path}: entry [0] (ocid 1): needs at least one of`);
  });
});
