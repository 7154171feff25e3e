// `migrate-data --from <sqlite url> --to <postgres url>`: copies every table into an empty PostgreSQL and verifies it.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { defineCommand, UsageError, type OptionSpecs, type Values } from './args.ts';
import type { CliIO } from './io.ts';
import { isPgUrl, maskDbUrl } from '../store/db-url.ts';
import { MIGRATIONS_DIR } from '../store/open.ts';
import { connectPg } from '../store/pg-connect.ts';
import * as lite from '../store/schema/sqlite.ts';
import { sqlitePath } from '../store/sqlite-path.ts';
import { checksum, pgSide, resetSequence, sqliteSide, TABLES, type PgDb, type SqliteDb } from '../store/table-copy.ts';

/** Opens the source read-only after checking it is an opencharge-merchant database at the latest migration. */
function openSource(url: string, cwd: string): { db: SqliteDb; close: () => void } {
  const path = sqlitePath(url, cwd);
  if (path === undefined || path === ':memory:') throw new Error(`--from: expected a SQLite database URL (file:…), got '${maskDbUrl(url)}'`);
  if (!existsSync(path)) throw new Error(`--from: no SQLite database at ${path}`);
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const journal = JSON.parse(readFileSync(resolve(MIGRATIONS_DIR, 'sqlite/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const has = sqlite.prepare(`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`).get() as { n: number };
    if (has.n === 0) throw new Error(`--from: ${path} is not an opencharge-merchant database (no migrations table)`);
    const applied = (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
    if (applied !== journal.entries.length)
      throw new Error(
        `--from: ${path} has ${applied} of ${journal.entries.length} migrations; run \`OC_DATABASE_URL=${url} opencharge-merchant migrate\` with the matching version first`,
      );
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return { db: drizzle(sqlite, { schema: lite }), close: () => sqlite.close() };
}

async function nonEmptyTables(db: PgDb): Promise<string[]> {
  const found: string[] = [];
  for (const t of TABLES) if ((await db.select({ one: sql`1` }).from(t.pg).limit(1)).length) found.push(t.name);
  return found;
}

function batchSize(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 2000)) throw new Error(`must be an integer from 1 to 2000, got '${text}'`);
  return n;
}

const OPTIONS = {
  from: { type: 'string', value: 'URL', description: 'the SQLite database (file:…), at the latest migration' },
  to: { type: 'string', value: 'URL', description: 'an EMPTY PostgreSQL database (postgres://…, ?schema=<name> allowed)' },
  batch: { type: 'string', value: 'N', parse: batchSize, description: 'rows per insert, 1 to 2000 (default 500)' },
} satisfies OptionSpecs;

export const run = defineCommand(
  {
    name: 'migrate-data',
    summary: `Copies every table of an opencharge-merchant SQLite database into an EMPTY PostgreSQL database,
applying the PostgreSQL migrations first. The copy is one transaction with the target tables locked;
afterwards row counts and a sha256 per table are compared. Stop the server (or put it in maintenance)
first: writes made after the copy starts are not carried over.`,
    options: OPTIONS,
    notes: 'Exit status: 0 when every table matches, 1 on any difference or a non-empty target, 2 bad invocation.',
    examples: ["opencharge-merchant migrate-data --from file:./data/opencharge.db --to 'postgres://user:pw@db/opencharge?schema=merchant'"],
  },
  async ({ values }, io) => migrateData(values, io),
);

async function migrateData(v: Values<typeof OPTIONS>, io: CliIO): Promise<number> {
  if (!v.from || !v.to) throw new UsageError('--from and --to are required');
  if (!isPgUrl(v.to)) throw new Error(`--to: expected a postgres:// URL, got '${maskDbUrl(v.to)}'`);

  const source = openSource(v.from, io.cwd);
  try {
    const target = await connectPg(v.to, { migrate: true });
    try {
      return await copyAndVerify(source.db, target.db, v.batch ?? 500, io, target.masked);
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

async function copyAndVerify(from: SqliteDb, to: PgDb, batch: number, io: CliIO, masked: string): Promise<number> {
  const src = sqliteSide(from);
  // One read transaction: every table comes from the same SQLite snapshot, even if a server still writes.
  from.run(sql`begin`);
  try {
    const refused = await to.transaction(async (tx) => {
      // Locked for the whole copy: a server pointed at the target cannot write half-way through.
      await tx.execute(sql.raw(`lock table ${TABLES.map((t) => t.name).join(', ')} in exclusive mode`));
      const busy = await nonEmptyTables(tx);
      if (busy.length) return busy;
      io.out(`copying into ${masked}`);
      for (const spec of TABLES) {
        const total = await src.count(spec);
        let done = 0;
        for await (const rows of src.batches(spec, batch)) {
          await tx.insert(spec.pg).values(rows);
          done += rows.length;
          io.out(`  ${spec.name.padEnd(11)} ${done}/${total}`);
        }
        if (total === 0) io.out(`  ${spec.name.padEnd(11)} 0/0`);
        await resetSequence(tx, spec);
      }
      return [];
    });
    if (refused.length) {
      io.err(`migrate-data: the target is not empty (rows in ${refused.join(', ')}); it only copies into an empty database. Nothing was written.`);
      return 1;
    }
    io.out('verifying');
    let mismatches = 0;
    const dst = pgSide(to);
    for (const spec of TABLES) {
      const [a, b] = [await checksum(src, spec), await checksum(dst, spec)];
      const ok = a.rows === b.rows && a.sha256 === b.sha256;
      if (!ok) mismatches++;
      io.out(`  ${spec.name.padEnd(11)} ${ok ? 'ok      ' : 'MISMATCH'} rows ${a.rows} → ${b.rows}  sha256 ${a.sha256.slice(0, 16)} → ${b.sha256.slice(0, 16)}`);
    }
    if (mismatches) {
      io.err(`migrate-data: ${mismatches} table(s) differ after the copy; do not switch OC_DATABASE_URL to the target`);
      return 1;
    }
    io.out(`done: every table matches. Point OC_DATABASE_URL at the PostgreSQL URL and start the server.`);
    return 0;
  } finally {
    from.run(sql`commit`);
  }
}
