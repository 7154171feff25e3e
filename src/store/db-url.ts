// Pure helpers for OC_DATABASE_URL: which dialect, the ?schema= parameter, and a printable (password-free) form.

/** Lower-case identifiers only: the name is used unquoted in search_path and quoted in DDL, so both must agree. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPgUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

/** The URL with its password replaced by *** (for messages and banners); anything unparsable is masked whole. */
export function maskDbUrl(url: string): string {
  // SQLite URLs carry no credentials, and URL parsing would rewrite `file:./x` into an absolute form.
  if (!isPgUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

export interface PgTarget {
  /** What the driver is given: the URL without our own `schema` parameter. */
  driverUrl: string;
  /** From `?schema=`: tables, search_path and drizzle's migrations table all live there. */
  schema?: string;
  password: string;
  masked: string;
}

/** Splits `?schema=<name>` off a postgres URL and checks the name. */
export function parsePgUrl(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`OC_DATABASE_URL: '${maskDbUrl(url)}' is not a valid postgres:// URL`);
  }
  const name = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  if (name !== undefined && !SCHEMA_NAME.test(name))
    throw new Error(`OC_DATABASE_URL: schema '${name}' must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters)`);
  return { driverUrl: u.toString(), schema: name, password: decodeURIComponent(u.password), masked: maskDbUrl(url) };
}
