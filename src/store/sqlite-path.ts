// Maps a SQLite OC_DATABASE_URL (file:…, sqlite::memory:) to a driver path; undefined for other schemes.
import { resolve } from 'node:path';

export function sqlitePath(url: string, cwd: string): string | undefined {
  if (url === 'sqlite::memory:' || url === 'file::memory:') return ':memory:';
  if (url.startsWith('file:')) return resolve(cwd, url.slice('file:'.length));
  return undefined;
}
