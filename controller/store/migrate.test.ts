// The migration runner and the migrations, on real SQLite files and a real PostgreSQL
// (test/support/postgres.ts): the SQLite schema is exactly what the .sql migrations made
// before they were rewritten (testdata/sqlite-schema.golden, after every version), PostgreSQL
// gets the same tables, columns, keys and indexes, and both refuse what they must.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Kysely, sql } from 'kysely';
import { openSqlite, sqliteDialect, type SqliteHandle } from './sqlite.js';
import { postgresDialect } from './postgres.js';
import { openDatabase, type Dialect } from './database.js';
import { listMigrations, migrate, type Migration } from './migrate.js';
import { dropPostgresDatabase, freshPostgresDatabase } from '../../test/support/postgres.js';

/** The schema the migrations produce, after each migration (testdata/sqlite-schema.golden). */
const GOLDEN = fileURLToPath(new URL('../../../controller/store/testdata/sqlite-schema.golden', import.meta.url));

/**
 * `text` (a piece of SQL from sqlite_schema) compared by structure rather than spelling:
 * comments dropped, identifier quotes removed, whitespace collapsed, lower case outside
 * string literals.
 */
function normalizeSql(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
      out += ' ';
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '"' || c === '`') {
      // identifier quotes
    } else {
      out += /\s/.test(c) ? ' ' : c.toLowerCase();
    }
  }
  return out.replace(/ +/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

/** The CHECK constraints of a CREATE TABLE statement (column or table level), normalized. */
function checks(createTable: string): string[] {
  const sql = normalizeSql(createTable);
  const found: string[] = [];
  const re = /\bcheck ?\(/g;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    let depth = 0;
    let i = m.index + m[0].length - 1;
    const start = i;
    for (; i < sql.length; i++) {
      if (sql[i] === "'") i = sql.indexOf("'", i + 1);
      else if (sql[i] === '(') depth++;
      else if (sql[i] === ')' && --depth === 0) break;
    }
    found.push(sql.slice(start + 1, i));
  }
  return found.sort();
}

/**
 * The schema of `db` in a normalized structural form: per table its columns (declared
 * type, NOT NULL, default, primary key position), STRICT and WITHOUT ROWID, AUTOINCREMENT,
 * CHECK constraints, indexes (unique, origin, key columns, WHERE of a partial index),
 * foreign keys and triggers. Two databases with the same dump have the same schema however
 * their statements were spelled.
 */
function describeSchema(db: SqliteHandle): string {
  const lines: string[] = [];
  const tables = db.prepare<[], { name: string; wr: number; strict: number }>(
    "SELECT name, wr, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name <> 'sqlite_schema' ORDER BY name").all();
  const sqlOf = (type: string, name: string) =>
    db.prepare<[string, string], { sql: string | null }>('SELECT sql FROM sqlite_schema WHERE type = ? AND name = ?').get(type, name)?.sql ?? '';
  for (const t of tables) {
    const createTable = sqlOf('table', t.name);
    const flags = [t.strict ? 'strict' : '', t.wr ? 'without rowid' : '', /\bautoincrement\b/.test(normalizeSql(createTable)) ? 'autoincrement' : ''].filter(Boolean);
    lines.push(`table ${t.name}${flags.length ? ` (${flags.join(', ')})` : ''}`);
    const columns = db.prepare<[string], { name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number }>(
      'SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid').all(t.name);
    for (const c of columns) {
      lines.push(`  column ${c.name} ${c.type || '(no type)'}${c.notnull ? ' not null' : ''}${c.dflt_value !== null ? ` default ${c.dflt_value}` : ''}${c.pk ? ` primary key ${c.pk}` : ''}${c.hidden ? ` hidden ${c.hidden}` : ''}`);
    }
    for (const check of checks(createTable)) lines.push(`  check ${check}`);
    const indexes = db.prepare<[string], { name: string; unique: number; origin: string; partial: number }>(
      'SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name').all(t.name);
    for (const ix of indexes) {
      const cols = db.prepare<[string], { name: string | null; desc: number; coll: string }>(
        'SELECT name, "desc", coll FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(ix.name)
        .map((c) => `${c.name ?? '(expression)'}${c.desc ? ' desc' : ''}${c.coll !== 'BINARY' ? ` collate ${c.coll}` : ''}`);
      const where = ix.partial ? ` where ${/ where (.*)$/.exec(normalizeSql(sqlOf('index', ix.name)))?.[1] ?? '?'}` : '';
      lines.push(`  ${ix.unique ? 'unique ' : ''}index ${ix.name} (${ix.origin}) on (${cols.join(', ')})${where}`);
    }
    const fks = db.prepare<[string], { id: number; seq: number; table: string; from: string; to: string | null; on_update: string; on_delete: string; match: string }>(
      'SELECT id, seq, "table", "from", "to", on_update, on_delete, "match" FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(t.name);
    for (const fk of fks) {
      lines.push(`  foreign key ${fk.id}.${fk.seq} ${fk.from} references ${fk.table}(${fk.to ?? ''}) on update ${fk.on_update} on delete ${fk.on_delete} match ${fk.match}`);
    }
    const triggers = db.prepare<[string], { name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ? ORDER BY name").all(t.name);
    for (const tr of triggers) lines.push(`  trigger ${tr.name}: ${normalizeSql(tr.sql)}`);
  }
  const views = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name").all();
  for (const v of views) lines.push(`view ${v.name}`);
  return lines.join('\n');
}

/** A Kysely over a SQLite file or memory, not migrated. */
function sqliteKysely(path: string): { db: Kysely<unknown>; sqlite: SqliteHandle } {
  const sqlite = openSqlite(path);
  return { db: new Kysely<unknown>({ dialect: sqliteDialect(sqlite) }), sqlite };
}

/** A Kysely over `url`, not migrated. */
function postgresKysely(url: string): Kysely<unknown> {
  return new Kysely<unknown>({ dialect: postgresDialect(url).dialect });
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-migrate-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` on a new, empty PostgreSQL database. */
async function withPostgres<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const url = await freshPostgresDatabase({ empty: true });
  try {
    return await fn(url);
  } finally {
    await dropPostgresDatabase(url);
  }
}

const userVersion = (sqlite: SqliteHandle) => sqlite.pragma('user_version', { simple: true }) as number;

async function postgresVersion(db: Kysely<unknown>): Promise<number> {
  const { rows } = await sql<{ version: number }>`SELECT version FROM wicket_schema`.execute(db);
  assert.equal(rows.length, 1, 'wicket_schema has one row');
  return rows[0]!.version;
}

/** Two migrations, the second failing after it created a table. */
const FAILING: Migration[] = [
  { version: 1, name: '001_a', up: async (db) => { await db.schema.createTable('a').addColumn('x', 'integer').execute(); } },
  {
    version: 2,
    name: '002_b',
    up: async (db) => {
      await db.schema.createTable('b').addColumn('x', 'integer').execute();
      await sql`INSERT INTO nowhere VALUES (1)`.execute(db);
    },
  },
];

// --- SQLite ----------------------------------------------------------------------------

/**
 * The dump after each migration in turn, as the golden file holds it (its section titles keep
 * the .sql file names the golden was first written from).
 */
async function describeEveryVersion(): Promise<string> {
  const migrations = await listMigrations();
  const sections: string[] = [];
  for (const m of migrations) {
    const { db, sqlite } = sqliteKysely(':memory:');
    await migrate(db, 'sqlite', migrations.filter((x) => x.version <= m.version));
    sections.push(`== after ${m.name}.sql (user_version ${userVersion(sqlite)})\n${describeSchema(sqlite)}\n`);
    await db.destroy();
  }
  return sections.join('\n');
}

test('SQLite: the migrations produce the schema in testdata/sqlite-schema.golden, version by version', async () => {
  const actual = await describeEveryVersion();
  if (process.env.WICKET_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, actual);
  assert.equal(actual, readFileSync(GOLDEN, 'utf8'), 'the SQLite schema changed: review it and rerun with WICKET_UPDATE_GOLDEN=1');
});

test('SQLite: a file at any older version continues to the newest schema', () => withDir(async (dir) => {
  const migrations = await listMigrations();
  const fresh = sqliteKysely(':memory:');
  await migrate(fresh.db, 'sqlite', migrations);
  const newest = describeSchema(fresh.sqlite);
  await fresh.db.destroy();
  for (const m of migrations.slice(0, -1)) {
    const path = join(dir, `at-${m.version}.db`);
    const old = sqliteKysely(path);
    await migrate(old.db, 'sqlite', migrations.filter((x) => x.version <= m.version));
    await old.db.destroy();
    const database = await openDatabase({ kind: 'sqlite', path });
    assert.equal(userVersion(database.sqlite!), migrations.at(-1)!.version);
    assert.equal(describeSchema(database.sqlite!), newest, `a file at version ${m.version}`);
    await database.close();
  }
}));

test('SQLite: the shipped migrations apply once, in order, and set user_version', () => withDir(async (dir) => {
  const database = await openDatabase({ kind: 'sqlite', path: join(dir, 'c.db') });
  const sqlite = database.sqlite!;
  assert.equal(userVersion(sqlite), (await listMigrations()).at(-1)!.version);
  assert.equal(sqlite.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(sqlite.pragma('foreign_keys', { simple: true }), 1);
  assert.deepEqual(await migrate(database.kysely, 'sqlite'), []);
  await database.close();
}));

test('SQLite: a failing migration aborts, names itself, and leaves the version before it', () => withDir(async (dir) => {
  const { db, sqlite } = sqliteKysely(join(dir, 'c.db'));
  await assert.rejects(migrate(db, 'sqlite', FAILING), /migration 002_b failed: no such table: nowhere/);
  assert.equal(userVersion(sqlite), 1);
  assert.equal(sqlite.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name IN ('a', 'b')").pluck().get(), 1);
  await db.destroy();
}));

test('SQLite: a database newer than the code is refused, and openDatabase fails with it', () => withDir(async (dir) => {
  const path = join(dir, 'c.db');
  const { db, sqlite } = sqliteKysely(path);
  sqlite.pragma('user_version = 99');
  await assert.rejects(migrate(db, 'sqlite', []), /schema version 99 is newer than this controller knows \(0\)/);
  await db.destroy();
  await assert.rejects(openDatabase({ kind: 'sqlite', path }), /schema version 99 is newer/);
}));

test('migration files: malformed names, duplicate numbers and a module without up are refused', () => withDir(async (dir) => {
  const url = pathToFileURL(`${dir}/`);
  writeFileSync(join(dir, 'helpers.js'), '');
  writeFileSync(join(dir, '1_bad.js'), '');
  await assert.rejects(listMigrations(url), /1_bad\.js: name must be NNN_name/);
  rmSync(join(dir, '1_bad.js'));
  writeFileSync(join(dir, '001_a.js'), '');
  writeFileSync(join(dir, '001_b.js'), '');
  await assert.rejects(listMigrations(url), /number 1 is used twice/);
  rmSync(join(dir, '001_b.js'));
  await assert.rejects(listMigrations(url), /migration 001_a: exports no up\(db, dialect\) function/);
}));

test('the shipped migrations are numbered, in order, one module each', async () => {
  const migrations = await listMigrations();
  assert.deepEqual(migrations.map((m) => m.name), [
    '001_core', '002_sessions', '003_telemetry', '004_access', '005_sso', '006_telemetry_indexes', '007_gateway_binding',
    '010_access_binding', '011_login_source_failures', '012_console_indexes', '013_http_proxy', '014_http_requests', '015_controllers',
    '016_gateway_changes', '017_gateway_holder',
  ]);
});

// --- PostgreSQL ------------------------------------------------------------------------

test('PostgreSQL: the shipped migrations apply once and record the version in wicket_schema', () => withPostgres(async (url) => {
  const database = await openDatabase({ kind: 'postgres', url });
  try {
    assert.equal(await postgresVersion(database.kysely as unknown as Kysely<unknown>), (await listMigrations()).at(-1)!.version);
    assert.deepEqual(await migrate(database.kysely, 'postgres'), []);
  } finally {
    await database.close();
  }
}));

test('PostgreSQL: two controllers migrating one database at once apply each migration once', () => withPostgres(async (url) => {
  const a = postgresKysely(url);
  const b = postgresKysely(url);
  try {
    const [ra, rb] = await Promise.all([migrate(a, 'postgres'), migrate(b, 'postgres')]);
    const versions = (await listMigrations()).map((m) => m.version);
    assert.deepEqual([...ra, ...rb].sort((x, y) => x - y), versions, `applied by one: ${ra.join(',')}; by the other: ${rb.join(',')}`);
    assert.equal(await postgresVersion(a), versions.at(-1));
  } finally {
    await a.destroy();
    await b.destroy();
  }
}));

test('PostgreSQL: a failing migration aborts, names itself, and leaves the version before it', () => withPostgres(async (url) => {
  const db = postgresKysely(url);
  try {
    await assert.rejects(migrate(db, 'postgres', FAILING), /migration 002_b failed: relation "nowhere" does not exist/);
    assert.equal(await postgresVersion(db), 1);
    const { rows } = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_name IN ('a', 'b')`.execute(db);
    assert.deepEqual(rows.map((r) => r.name), ['a']);
  } finally {
    await db.destroy();
  }
}));

test('PostgreSQL: a database newer than the code is refused', () => withPostgres(async (url) => {
  const db = postgresKysely(url);
  try {
    await migrate(db, 'postgres', FAILING.slice(0, 1));
    await sql`UPDATE wicket_schema SET version = 99`.execute(db);
    await assert.rejects(migrate(db, 'postgres', FAILING), /schema version 99 is newer than this controller knows \(2\)/);
  } finally {
    await db.destroy();
  }
  await assert.rejects(openDatabase({ kind: 'postgres', url }), /schema version 99 is newer/);
}));

// --- Both: the same schema -------------------------------------------------------------

/**
 * The schema of a database in terms both dialects share: per table its columns (portable
 * type, nullability, default, whether the database assigns it), primary key, unique
 * constraints, foreign keys, how many CHECKs, and the indexes (unique, columns, WHERE).
 */
function portableSqlite(db: SqliteHandle): string {
  const lines: string[] = [];
  const tables = db.prepare<[], { name: string; wr: number }>(
    "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
  const sqlOf = (type: string, name: string) =>
    db.prepare<[string, string], { sql: string }>('SELECT sql FROM sqlite_schema WHERE type = ? AND name = ?').get(type, name)!.sql;
  for (const t of tables) {
    lines.push(`table ${t.name}`);
    const columns = db.prepare<[string], { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
      'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo(?) ORDER BY cid').all(t.name);
    const rowidKey = !t.wr && columns.filter((c) => c.pk > 0).length === 1 ? columns.find((c) => c.pk > 0 && c.type === 'INTEGER')?.name : undefined;
    for (const c of columns) {
      const generated = c.name === rowidKey;
      lines.push(`  column ${c.name} ${c.type.toLowerCase()}${c.notnull || c.pk ? ' not null' : ''}${c.dflt_value !== null ? ` default ${c.dflt_value}` : ''}${generated ? ' generated' : ''}`);
    }
    lines.push(`  primary key (${columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name).join(', ')})`);
    const indexes = db.prepare<[string], { name: string; unique: number; origin: string; partial: number }>(
      'SELECT name, "unique", origin, partial FROM pragma_index_list(?)').all(t.name);
    const indexColumns = (name: string) => db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(name).map((c) => c.name);
    for (const ix of indexes.filter((i) => i.origin === 'u')) lines.push(`  unique (${indexColumns(ix.name).join(', ')})`);
    const fks = db.prepare<[string], { table: string; from: string; to: string; on_delete: string }>(
      'SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(t.name);
    for (const fk of fks) lines.push(`  foreign key ${fk.from} references ${fk.table}(${fk.to}) on delete ${fk.on_delete.toLowerCase()}`);
    lines.push(`  checks ${checks(sqlOf('table', t.name)).length}`);
    const created = indexes.filter((i) => i.origin === 'c').sort((a, b) => a.name.localeCompare(b.name));
    for (const ix of created) {
      const where = ix.partial ? ` where ${/ where (.*)$/.exec(normalizeSql(sqlOf('index', ix.name)))![1]}` : '';
      lines.push(`  ${ix.unique ? 'unique ' : ''}index ${ix.name} (${indexColumns(ix.name).join(', ')})${where}`);
    }
  }
  return lines.join('\n');
}

const PORTABLE_TYPES: Record<string, string> = { bigint: 'integer', text: 'text', bytea: 'blob' };

/** The same description of a PostgreSQL database (the runner's wicket_schema left out). */
async function portablePostgres(db: Kysely<unknown>): Promise<string> {
  const strip = (expr: string) => expr.replace(/::[a-z ]+/g, '').replace(/^\((.*)\)$/, '$1').toLowerCase();
  const lines: string[] = [];
  const { rows: tables } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_name <> 'wicket_schema' ORDER BY table_name COLLATE "C"`.execute(db);
  for (const { name } of tables) {
    lines.push(`table ${name}`);
    const { rows: columns } = await sql<{ name: string; type: string; collation: string | null; nullable: string; dflt: string | null; identity: string }>`
      SELECT column_name AS name, data_type AS type, collation_name AS collation, is_nullable AS nullable, column_default AS dflt, is_identity AS identity
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ${name} ORDER BY ordinal_position`.execute(db);
    for (const c of columns) {
      // Text compares byte by byte on both (SQLite's BINARY, PostgreSQL's "C").
      const type = c.type === 'text' && c.collation !== 'C' ? `text collate ${c.collation}` : PORTABLE_TYPES[c.type] ?? c.type;
      lines.push(`  column ${c.name} ${type}${c.nullable === 'NO' ? ' not null' : ''}${c.dflt !== null ? ` default ${strip(c.dflt)}` : ''}${c.identity === 'YES' ? ' generated' : ''}`);
    }
    const { rows: constraints } = await sql<{ type: string; columns: string[]; ref_table: string | null; ref_columns: string[] | null; on_delete: string }>`
      SELECT c.contype AS type,
        array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
        f.relname AS ref_table,
        array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS ref_columns,
        c.confdeltype AS on_delete
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class f ON f.oid = c.confrelid
      WHERE t.relname = ${name} AND t.relnamespace = 'public'::regnamespace
      ORDER BY c.contype, c.conname`.execute(db);
    const ON_DELETE: Record<string, string> = { c: 'cascade', a: 'no action', r: 'restrict', n: 'set null', d: 'set default' };
    lines.push(`  primary key (${constraints.find((c) => c.type === 'p')?.columns.join(', ') ?? ''})`);
    for (const u of constraints.filter((c) => c.type === 'u')) lines.push(`  unique (${u.columns.join(', ')})`);
    for (const f of constraints.filter((c) => c.type === 'f')) lines.push(`  foreign key ${f.columns.join(', ')} references ${f.ref_table}(${f.ref_columns!.join(', ')}) on delete ${ON_DELETE[f.on_delete]}`);
    lines.push(`  checks ${constraints.filter((c) => c.type === 'c').length}`);
    const { rows: indexes } = await sql<{ name: string; unique: boolean; columns: string[]; predicate: string | null }>`
      SELECT i.relname AS name, x.indisunique AS unique,
        array(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
        pg_get_expr(x.indpred, x.indrelid) AS predicate
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relname = ${name} AND t.relnamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
      ORDER BY i.relname COLLATE "C"`.execute(db);
    for (const ix of indexes) {
      lines.push(`  ${ix.unique ? 'unique ' : ''}index ${ix.name} (${ix.columns.join(', ')})${ix.predicate ? ` where ${strip(ix.predicate)}` : ''}`);
    }
  }
  return lines.join('\n');
}

test('PostgreSQL gets the same tables, columns, keys, constraints and indexes as SQLite', () => withPostgres(async (url) => {
  const lite = await openDatabase({ kind: 'sqlite', path: ':memory:' });
  const expected = portableSqlite(lite.sqlite!);
  await lite.close();
  const database = await openDatabase({ kind: 'postgres', url });
  try {
    assert.equal(await portablePostgres(database.kysely as unknown as Kysely<unknown>), expected);
  } finally {
    await database.close();
  }
}));

for (const dialect of ['sqlite', 'postgres'] as Dialect[]) {
  test(`${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: audit records cannot be changed or deleted`, async () => {
    const url = dialect === 'postgres' ? await freshPostgresDatabase({ empty: true }) : undefined;
    const database = await openDatabase(url ? { kind: 'postgres', url } : { kind: 'sqlite', path: ':memory:' });
    try {
      const db = database.kysely;
      const { id } = await db.insertInto('audit')
        .values({ at_ms: 1, actor: 'a', action: 'x', target: 't', details_json: '{}', prev_hash: '', hash: 'h' })
        .returning('id').executeTakeFirstOrThrow();
      assert.equal(typeof id, 'number');
      await assert.rejects(db.updateTable('audit').set({ actor: 'b' }).where('id', '=', id).execute(), /append-only/);
      await assert.rejects(db.deleteFrom('audit').where('id', '=', id).execute(), /append-only/);
      if (dialect === 'postgres') await assert.rejects(sql`TRUNCATE audit`.execute(db), /append-only/);
      const rows = await db.selectFrom('audit').select(['id', 'actor']).execute();
      assert.deepEqual(rows, [{ id, actor: 'a' }]);
    } finally {
      await database.close();
      if (url) await dropPostgresDatabase(url);
    }
  });
}

test('PostgreSQL: a database that cannot be reached fails to open, saying where and why', async () => {
  const url = new URL(await freshPostgresDatabase({ empty: true }));
  await dropPostgresDatabase(url.toString());
  url.password = 'secret';
  await assert.rejects(openDatabase({ kind: 'postgres', url: url.toString() }), (err: Error) => {
    assert.match(err.message, /^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/wicket_test_[0-9a-f]+: reading the schema version failed: database "wicket_test_[0-9a-f]+" does not exist/);
    assert.doesNotMatch(err.message, /secret/);
    return true;
  });
});
