// The private key in a key file: bare hex, or the .env lines `opencharge-merchant keygen` prints (OC_PRIVATE_KEY=…, comments, other settings).
import { parseEnv } from 'node:util';

export type KeyFileText = { ok: true; hex: string } | { ok: false; reason: string };

const ENV_LINE = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/m;

/**
 * The key text a key file holds, still to be checked with parsePrivateKey. One parser for OC_PRIVATE_KEY_FILE and
 * `--key-file`, so a file one accepts the other accepts too. `.env` lines are read as `.env` files are (util.parseEnv).
 */
export function keyFromFileText(text: string): KeyFileText {
  if (ENV_LINE.test(text)) {
    const hex = parseEnv(text).OC_PRIVATE_KEY;
    if (hex) return { ok: true, hex };
    return { ok: false, reason: 'has no OC_PRIVATE_KEY= line (give the 64-hex key alone, or the lines `opencharge-merchant keygen` prints)' };
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length > 1) return { ok: false, reason: 'holds several lines but no OC_PRIVATE_KEY= line (give the 64-hex key alone, or the lines `opencharge-merchant keygen` prints)' };
  return { ok: true, hex: lines[0] ?? '' };
}
