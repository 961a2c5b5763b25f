// Unit tests of the migration runner against real SQLite files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openSqlite, type SqliteHandle } from './sqlite.js';
import { listMigrations, migrate } from './migrate.js';

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

/** The dump after each migration in turn, as the golden file holds it. */
function describeEveryVersion(): string {
  const migrations = listMigrations();
  const sections: string[] = [];
  for (const m of migrations) {
    const db = openSqlite(':memory:');
    migrate(db, migrations.filter((x) => x.version <= m.version));
    sections.push(`== after ${m.file} (user_version ${db.pragma('user_version', { simple: true }) as number})\n${describeSchema(db)}\n`);
    db.close();
  }
  return sections.join('\n');
}

test('the migrations produce the schema in testdata/sqlite-schema.golden, version by version', () => {
  const actual = describeEveryVersion();
  if (process.env.WICKET_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, actual);
  assert.equal(actual, readFileSync(GOLDEN, 'utf8'), 'the SQLite schema changed: review it and rerun with WICKET_UPDATE_GOLDEN=1');
});
