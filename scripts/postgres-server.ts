// A throwaway PostgreSQL from Debian's `postgresql` package, for the tests
// (test/support/postgres.ts) and `npm run demo -- --postgres`: initdb into a temporary
// directory, the server on 127.0.0.1 at a free port and a socket in that directory, run as
// the unprivileged `postgres` user when started as root (the server refuses root), stopped
// and removed when the process exits. Durability is off (fsync, full_page_writes): its data
// is thrown away, never recovered. Never a production server.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

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
  /** The directory of its Unix socket (reachable from any network namespace). */
  socketDir: string;
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
        return { url, dataDir: data, socketDir: socket, stop };
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

/**
 * Starts a private server with an empty `wicket` database and points the controllers this
 * process starts at it: WICKET_DATABASE_URL, which `wicket-controller init` and `start` read.
 * The URL names the server's Unix socket, so a controller in another network namespace
 * reaches it too. For the demo and the benchmarks.
 */
export async function useThrowawayPostgres(): Promise<PostgresServer> {
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE wicket');
  } finally {
    await admin.end();
  }
  // The socket's file name carries the server's port (.s.PGSQL.PORT), so the URL keeps it.
  const { port } = new URL(server.url);
  process.env.WICKET_DATABASE_URL = `postgres://postgres@localhost:${port}/wicket?host=${encodeURIComponent(server.socketDir)}`;
  return server;
}
