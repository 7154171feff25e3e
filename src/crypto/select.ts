// Picks the secp256k1 backend at start-up from OC_CRYPTO (auto | noble | native).
import type { CryptoBackend } from '../protocol/backend.ts';
import { nobleBackend, secp } from '../protocol/noble.ts';
import { bytesToHex } from '../protocol/hex.ts';
import { loadNativeBackend } from './native.ts';

export type CryptoChoice = 'auto' | 'noble' | 'native';

export interface SelectedBackend {
  backend: CryptoBackend;
  /** Why this backend: shown in the start-up log. */
  note: string;
}

export function selectBackend(choice: CryptoChoice): SelectedBackend {
  if (choice === 'noble') return { backend: nobleBackend, note: 'noble (OC_CRYPTO=noble)' };
  try {
    const backend = loadNativeBackend();
    return { backend, note: `native libsecp256k1 (OC_CRYPTO=${choice})` };
  } catch (err) {
    if (choice === 'native') {
      throw new Error(`OC_CRYPTO=native: the optional 'secp256k1' package did not load (${(err as Error).message})`);
    }
    return { backend: nobleBackend, note: 'noble (OC_CRYPTO=auto: native secp256k1 did not load)' };
  }
}

/** Every backend that loads here, for tests and benchmarks. */
export function availableBackends(): CryptoBackend[] {
  const list: CryptoBackend[] = [nobleBackend];
  try {
    list.push(loadNativeBackend());
  } catch {
    /* optional dependency absent */
  }
  return list;
}

/** A new random private key as 64 hex (CSPRNG from the runtime). */
export function generatePrivateKey(): string {
  return bytesToHex(secp.utils.randomSecretKey());
}
