// A real PostgreSQL for tests, from Debian's `postgresql` package (scripts/install-deps.sh),
// started by scripts/postgres-server.ts (a private, throwaway server).
//
// `postgresUrl()` starts one server per process, or uses the one in WICKET_TEST_PG_URL
// (scripts/run-tests.mjs starts one for the whole run, and says where its data directory is
// in WICKET_TEST_PG_DATA, for the tests that read the server's files as someone who copies
// them would: `postgresDataDir()`); `freshPostgresDatabase()` gives each
// test its own database on it, copied from a template database the current migrations were
// applied to once per server (the controller then finds its schema up to date).
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { startPostgres } from '../../scripts/postgres-server.js';
import { openDatabase } from '../../controller/store/database.js';
import { MIGRATIONS_DIR } from '../../controller/store/migrate.js';

let server: Promise<{ url: string; dataDir?: string }> | undefined;

/** This run's server: the one in WICKET_TEST_PG_URL (and WICKET_TEST_PG_DATA), or one started for this process. */
function runServer(): Promise<{ url: string; dataDir?: string }> {
  server ??= process.env.WICKET_TEST_PG_URL
    ? Promise.resolve({ url: process.env.WICKET_TEST_PG_URL, dataDir: process.env.WICKET_TEST_PG_DATA || undefined })
    : startPostgres();
  return server;
}

/** The URL of this run's PostgreSQL server: WICKET_TEST_PG_URL, or one started for this process. */
export async function postgresUrl(): Promise<string> {
  return (await runServer()).url;
}

/**
 * The data directory of this run's server (readable by the tests: the server runs as the
 * user running them, or they run as root). Throws when the server was given in
 * WICKET_TEST_PG_URL without WICKET_TEST_PG_DATA: a test of what the files hold must not
 * pass by reading none.
 */
export async function postgresDataDir(): Promise<string> {
  const { dataDir } = await runServer();
  if (!dataDir) throw new Error('WICKET_TEST_PG_URL is set without WICKET_TEST_PG_DATA: set it to that server\'s data directory (PGDATA) for the tests that read its files');
  return dataDir;
}

/** `url` with its database replaced. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` with a connection to the server's maintenance database. */
async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Serialises template creation between the test processes sharing one server. */
const TEMPLATE_LOCK = 0x77746d706c;

let template: Promise<string> | undefined;

/**
 * The name of a database holding the schema of the current migrations (named by a hash of
 * the compiled migration modules, so a changed migration gets a new one), created and
 * migrated by the first test process that needs it.
 */
function migratedTemplate(url: string): Promise<string> {
  template ??= (async () => {
    const hash = createHash('sha256');
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.js')).sort()) {
      hash.update(file).update(readFileSync(new URL(file, MIGRATIONS_DIR)));
    }
    const name = `wicket_template_${hash.digest('hex').slice(0, 16)}`;
    await withClient(url, async (client) => {
      await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      try {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (rowCount) return;
        // Built under another name and renamed when complete: a process that dies half-way
        // leaves no template that looks finished.
        const building = `${name}_building`;
        await client.query(`DROP DATABASE IF EXISTS ${building}`);
        await client.query(`CREATE DATABASE ${building}`);
        const database = await openDatabase({ kind: 'postgres', url: withDatabase(url, building) });
        await database.close();
        await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
      }
    });
    return name;
  })();
  return template;
}

/**
 * A new database on the run's server with a random name and the current schema (or none,
 * with `empty`: for tests of the migrations themselves); its URL.
 */
export async function freshPostgresDatabase(options: { empty?: boolean } = {}): Promise<string> {
  const url = await postgresUrl();
  const source = options.empty ? 'template1' : await migratedTemplate(url);
  const name = `wicket_test_${randomBytes(8).toString('hex')}`;
  await withClient(url, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${source}`));
  return withDatabase(url, name);
}

/** Drops a database made by freshPostgresDatabase (closing what is still connected to it). */
export async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^wicket_test_[0-9a-f]+$/.test(name)) throw new Error(`${name} is not a test database`);
  await withClient(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Which store the tests run on: WICKET_TEST_STORE=postgres, else SQLite. */
export function testStoreKind(): 'sqlite' | 'postgres' {
  return process.env.WICKET_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}
