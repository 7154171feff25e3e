// Maps a SQLite OC_DATABASE_URL (file:…, sqlite::memory:) to a driver path; checks its folder; explains open failures.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function sqlitePath(url: string, cwd: string): string | undefined {
  if (url === 'sqlite::memory:' || url === 'file::memory:') return ':memory:';
  if (url.startsWith('file:')) return resolve(cwd, url.slice('file:'.length));
  return undefined;
}

/** The folder the README names for the database and the development files; the only one created when missing. */
export function defaultDataDir(cwd: string): string {
  return resolve(cwd, 'data');
}

/**
 * Before opening `path`: its folder must exist (a typo must not silently create folders), except the default
 * ./data folder, which is created.
 */
export function prepareSqliteFolder(url: string, path: string, cwd: string): void {
  if (path === ':memory:') return;
  const folder = dirname(path);
  if (folder === defaultDataDir(cwd)) {
    mkdirSync(folder, { recursive: true });
    return;
  }
  if (!existsSync(folder)) throw new Error(`OC_DATABASE_URL: the folder ${folder} does not exist (from ${url}): create it, or fix the path`);
  if (!statSync(folder).isDirectory()) throw new Error(`OC_DATABASE_URL: ${folder} is not a folder (from ${url}): fix the path`);
}

/** A driver's open/pragma failure reworded to name the setting and the file. */
export function sqliteOpenError(url: string, path: string, err: unknown): Error {
  const code = (err as { code?: unknown }).code;
  const why = `${(err as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`;
  const hint = code === 'SQLITE_NOTADB' || /not a database/.test(why) ? 'it is not a SQLite database' : 'check that it is a file (not a folder) you may read and write';
  return new Error(`OC_DATABASE_URL: cannot open the SQLite database ${path} (from ${url}): ${why}: ${hint}`, { cause: err });
}
