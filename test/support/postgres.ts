// A real PostgreSQL for tests, from Debian's `postgresql` package (scripts/install-deps.sh):
// initdb into a temporary directory, the server on 127.0.0.1 at a free port and a socket in
// that directory, run as the unprivileged `postgres` user when the tests run as root (the
// server refuses root), and stopped and removed when the process exits. Durability is off
// (fsync, full_page_writes): a test database is thrown away, never recovered.
//
// `postgresUrl()` starts one server per process, or uses the one in WICKET_TEST_PG_URL
// (scripts/run-tests.mjs starts one for the whole run, and says where its data directory is
// in WICKET_TEST_PG_DATA, for the tests that read the server's files as someone who copies
// them would: `postgresDataDir()`); `freshPostgresDatabase()` gives each
// test its own database on it, copied from a template database the current migrations were
// applied to once per server (the controller then finds its schema up to date).
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../controller/store/database.js';
import { MIGRATIONS_DIR } from '../../controller/store/migrate.js';

const BASE = '/usr/lib/postgresql';

/** The bin directory of the newest PostgreSQL installed from Debian's packages. */
export function postgresBinDir(): string {
  const versions = existsSync(BASE)
    ? readdirSync(BASE).filter((v) => /^\d+$/.test(v) && existsSync(join(BASE, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server under ${BASE}: install Debian's postgresql package (scripts/install-deps.sh installs it)`);
  }
  return join(BASE, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL program as the server's owner; throws with its output when it fails. */
function run(owner: { uid: number; gid: number } | undefined, program: string, args: string[], cwd: string): void {
  const [cmd, argv] = owner ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
}

/** The `postgres` user's ids, when the tests run as root and must hand the server to it. */
function serverOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('running as root, and there is no postgres user to run PostgreSQL as (Debian\'s postgresql package creates it)');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

// A process killed by a signal runs no 'exit' handlers: turn the usual ones into an exit so
// the server does not outlive the tests.
let signalsHooked = false;
function stopOnSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal]));
  }
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication on loopback). */
  url: string;
  /** Its data directory (PGDATA): the files that hold every database of this server. */
  dataDir: string;
  /** Stops the server at once and removes its directory (also done when the process exits). */
  stop(): void;
}

/** Starts a private PostgreSQL server; it goes away with this process (exit, or SIGINT, SIGTERM, SIGHUP). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const owner = serverOwner();
  const dir = mkdtempSync(join(tmpdir(), 'wicket-pg-'));
  const data = join(dir, 'data');
  const socket = join(dir, 'socket');
  mkdirSync(socket);
  if (owner) for (const d of [dir, socket]) chownSync(d, owner.uid, owner.gid);
  stopOnSignals();
  let started = false;
  const stop = () => {
    process.off('exit', stop);
    if (started) {
      started = false;
      const argv = ['-D', data, 'stop', '-m', 'immediate', '-w'];
      spawnSync(owner ? 'runuser' : join(bin, 'pg_ctl'), owner ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...argv] : argv, { cwd: dir, stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  try {
    run(owner, join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'], dir);
    // A port found free can be taken before the server binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = [
        '-c listen_addresses=127.0.0.1', `-c port=${port}`, `-c unix_socket_directories=${socket}`,
        '-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off',
        '-c max_connections=400', '-c shared_buffers=64MB',
      ].join(' ');
      try {
        run(owner, join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start'], dir);
        started = true;
        const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
        await waitReady(url);
        return { url, dataDir: data, stop };
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  } catch (err) {
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
    stop();
    throw new Error(`could not start PostgreSQL: ${(err as Error).message}${log ? `\nserver log:\n${log}` : ''}`, { cause: err });
  }
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

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
