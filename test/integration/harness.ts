// Test harness for integration suites: a real controller (real gRPC with mutual TLS on
// loopback, a temporary data directory) started in-process, with a clock the test can move,
// and helpers to add users, log in and build clients. Its store is the SQLite file in the data
// directory, or with WICKET_TEST_STORE=postgres a fresh database on a real PostgreSQL
// (test/support/postgres.ts): scripts/run-tests.mjs runs these suites on both. What differs
// between the stores for a test that looks beneath the controller (the database's files as
// bytes, tampering as someone with the database) is here, one helper per concept, so such a
// test reads the same on both.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { pino } from 'pino';
import { apiClients, authClients, call, type ClientCredentials } from '../../common/grpc.js';
import { DNS_PORT } from '../../common/dns-names.js';
import { createCsr, fetchPinnedCa, generateKeyPair, type KeyPair } from '../../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import type { SyncDown__Output } from '../../proto/generated/wicket/v1/SyncDown.js';
import { initDataDir, credentialFiles } from '../../controller/app/datadir.js';
import { startController, type RunningController, type StartOptions } from '../../controller/app/start.js';
import type { ServiceModule } from '../../controller/app/service-module.js';
import { totpCode } from '../../controller/auth/totp.js';
import { openDatabase, type Database } from '../../controller/store/database.js';
import { openSqlite } from '../../controller/store/sqlite.js';
import { dropPostgresDatabase, freshPostgresDatabase, postgresDataDir, testStoreKind } from '../support/postgres.js';

export const silentLogger = () => pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() }));

/**
 * A probe standing in for the Client and Gateway services (written elsewhere): each method
 * only authorizes the caller and reports who it was accepted as, which is what these suites
 * test.
 */
export const probeModule: ServiceModule = (ctx) => ({
  client: {
    ListResources: (c, cb) => {
      ctx.authorize(c, 'user').then(
        (who) => cb(null, { resources: [{ resource: `${who.kind}:${who.name}`, gateway: '', address: '', ports: [], allowed: true, grants: [] }] }),
        (err: unknown) => cb(err as grpc.ServiceError),
      );
    },
  },
  gateway: {
    Report: (c) => {
      // Messages wait in the stream until the caller is authorized.
      c.pause();
      ctx.authorize(c, 'gateway').then(() => {
        c.on('data', (batch: { seq: number }) => c.write({ seq: batch.seq }));
        c.on('end', () => c.end());
        c.resume();
      }, (err: unknown) => {
        c.emit('error', { code: (err as { code?: number }).code ?? grpc.status.INTERNAL, details: (err as Error).message });
      });
    },
  },
});

export interface TestController {
  dir: string;
  /** The controller's PostgreSQL database, when the suites run on PostgreSQL. */
  databaseUrl?: string;
  fingerprint: string;
  api: string;
  auth: string;
  controller: RunningController;
  adminCreds: ClientCredentials;
  caPem: string;
  /** Moves the controller's clock. */
  advance(ms: number): void;
  now(): number;
  admin: ReturnType<typeof apiClients>;
  stop(): Promise<void>;
}

export async function startTestController(options: { reauthIntervalMs?: number; modules?: ServiceModule[]; start?: Pick<StartOptions, 'limits' | 'sso' | 'ssoLimits' | 'console' | 'metricsListen' | 'issuer' | 'sessions'> } = {}): Promise<TestController> {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-it-'));
  const databaseUrl = testStoreKind() === 'postgres' ? await freshPostgresDatabase() : undefined;
  const { caFingerprint } = await initDataDir(join(dir, 'data'), { databaseUrl });
  let offset = 0;
  const now = () => Date.now() + offset;
  const controller = await startController({
    dataDir: join(dir, 'data'), databaseUrl, listen: '127.0.0.1:0', authListen: '127.0.0.1:0', log: silentLogger(), modules: options.modules ?? [probeModule], now,
    reauthIntervalMs: options.reauthIntervalMs, ...options.start,
  });
  const files = credentialFiles(join(dir, 'data', 'admin'));
  const adminCreds = { caPem: readFileSync(files.ca, 'utf8'), certPem: readFileSync(files.cert, 'utf8'), keyPem: readFileSync(files.key, 'utf8') };
  const api = `127.0.0.1:${controller.apiPort}`;
  const admin = apiClients(api, adminCreds);
  return {
    dir, databaseUrl, fingerprint: caFingerprint, api, auth: `127.0.0.1:${controller.authPort}`, controller, adminCreds, caPem: adminCreds.caPem,
    advance: (ms) => { offset += ms; },
    now,
    admin,
    stop: async () => {
      admin.close();
      await controller.stop(1000);
      rmSync(dir, { recursive: true, force: true });
      if (databaseUrl) await dropPostgresDatabase(databaseUrl);
    },
  };
}

/** The SQLite file in the controller's data directory (when the store is SQLite). */
const sqlitePath = (t: TestController) => join(t.dir, 'data', 'controller.db');

/**
 * The running controller's store, opened a second time beside it (the SQLite file in its data
 * directory, or its PostgreSQL database), for a test that looks at or tampers with rows
 * directly. Close it before the controller stops.
 */
export function openControllerDatabase(t: TestController, options: { readonly?: boolean } = {}): Promise<Database> {
  return openDatabase(t.databaseUrl ? { kind: 'postgres', url: t.databaseUrl } : { kind: 'sqlite', path: sqlitePath(t) }, options);
}

/** The regular files in `dir`, not its subdirectories. */
function filesIn(dir: string): string[] {
  return readdirSync(dir).map((name) => join(dir, name)).filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false; // a WAL segment recycled while listing
    }
  });
}

/**
 * The files that hold the controller's database, as someone who copies them gets them.
 * SQLite: the database file and its WAL. PostgreSQL: the server's WAL (pg_wal, shared by every
 * database of the server; it has each change's tuple data as soon as it commits) and this
 * database's own relation files (base/<database oid>), after a CHECKPOINT has written every
 * row to them whole (in the WAL a record can be cut by a page header). Throws when the
 * database's own files are missing or empty, so a test cannot pass by reading nothing.
 */
async function rawDatabaseFiles(t: TestController): Promise<string[]> {
  if (!t.databaseUrl) {
    const file = sqlitePath(t);
    if (!existsSync(file) || statSync(file).size === 0) throw new Error(`${file} is missing or empty`);
    return [file, `${file}-wal`].filter(existsSync);
  }
  const dataDir = await postgresDataDir();
  const client = new pg.Client({ connectionString: t.databaseUrl });
  await client.connect();
  let oid: number;
  try {
    await client.query('CHECKPOINT');
    oid = (await client.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0]!.oid;
  } finally {
    await client.end();
  }
  const own = filesIn(join(dataDir, 'base', String(oid)));
  if (!own.some((f) => statSync(f).size > 0)) throw new Error(`no relation files of database ${oid} under ${dataDir}`);
  return [...filesIn(join(dataDir, 'pg_wal')), ...own];
}

/**
 * Which of `needles` occur in the raw bytes of the controller's database files (see
 * rawDatabaseFiles): the answer to "does someone who copies the database get this in clear".
 * Each file is searched on its own, so a server's whole WAL is never in memory at once.
 * PostgreSQL compresses a row of more than about 2 kB, so a needle must be a value kept in a
 * smaller row (a secret, a name, an id), or a slice of one.
 */
export async function searchRawDatabase<N extends string | Buffer>(t: TestController, needles: readonly N[]): Promise<Set<N>> {
  const found = new Set<N>();
  const bytes = needles.map((n) => (typeof n === 'string' ? Buffer.from(n, 'utf8') : n));
  for (const file of await rawDatabaseFiles(t)) {
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // a WAL segment recycled meanwhile
      throw err;
    }
    needles.forEach((n, i) => { if (!found.has(n) && raw.includes(bytes[i]!)) found.add(n); });
  }
  return found;
}

/**
 * Runs `sqlText` (one or more statements) on the controller's live database as an attacker
 * with the database would: the append-only triggers on audit are taken out of the way, the
 * SQL runs, and they are put back, all in one transaction (so the application never sees
 * the table without them). SQLite: the triggers are dropped and created again from their
 * own SQL. PostgreSQL: `ALTER TABLE audit DISABLE TRIGGER USER` and ENABLE, on a connection
 * as the controller's database user (the test server's superuser). The chain of hashes is
 * what must catch what this does.
 */
export async function tamperDatabase(t: TestController, sqlText: string): Promise<void> {
  if (t.databaseUrl) {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      // One simple-protocol query: several statements, one implicit transaction.
      await client.query(`ALTER TABLE audit DISABLE TRIGGER USER; ${sqlText}; ALTER TABLE audit ENABLE TRIGGER USER;`);
    } finally {
      await client.end();
    }
    return;
  }
  const db = openSqlite(sqlitePath(t));
  try {
    db.transaction(() => {
      const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'").all() as { name: string; sql: string }[];
      for (const { name } of triggers) db.exec(`DROP TRIGGER "${name}"`);
      db.exec(sqlText);
      for (const { sql } of triggers) db.exec(sql);
    })();
  } finally {
    db.close();
  }
}

/** Adds a user through the Admin API and returns the TOTP secret. */
export async function addUser(t: TestController, name: string, password: string, extra: { admin?: boolean; groups?: string[] } = {}): Promise<string> {
  const r = await call(t.admin.admin, 'AddUser', { name, password, admin: extra.admin ?? false, groups: extra.groups ?? [] });
  return r.totpSecret;
}

/** The TOTP code for the controller's current time plus `stepOffset` steps. */
export function codeAt(t: TestController, secret: string, stepOffset = 0): Promise<string> {
  return totpCode(secret, t.now() + stepOffset * 30_000);
}

export interface LoginAttempt { username: string; password: string; totpCode: string; keys?: KeyPair; csrPem?: string; deviceName?: string }

/** Logs in on the auth port (CA pinned by fingerprint, as clients do); returns the response and usable credentials. */
export async function login(t: TestController, a: LoginAttempt) {
  const caPem = await fetchPinnedCa(t.auth, t.fingerprint);
  const keys = a.keys ?? generateKeyPair();
  const clients = authClients(t.auth, caPem);
  try {
    const res = await call(clients.auth, 'Login', {
      username: a.username, password: a.password, totpCode: a.totpCode, csrPem: a.csrPem ?? createCsr(keys, a.username), deviceName: a.deviceName ?? 'laptop',
    });
    return { res, creds: { caPem: res.caPem, certPem: res.certificatePem, keyPem: keys.privateKeyPem } satisfies ClientCredentials };
  } finally {
    clients.close();
  }
}

/** Resolves with the gRPC error a promise rejected with; fails when it resolved. */
export async function rpcError(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Credentials of an enrolled gateway: its certificate and the WireGuard public key bound to it. */
export type GatewayCredentials = ClientCredentials & { wgPublicKey: string };

/** A gateway speaking Sync over its own mutual-TLS channel (announcing its enrolled key); acks every version unless told not to. */
export class FakeGateway {
  readonly received: SyncDown__Output[] = [];
  ack = true;
  private stream?: grpc.ClientDuplexStream<unknown, SyncDown__Output>;
  private readonly clients;
  private waiters: (() => void)[] = [];

  constructor(t: TestController, private readonly creds: GatewayCredentials, private readonly endpoint = '192.0.2.1:51820') {
    this.clients = apiClients(t.api, creds);
  }

  connect(): void {
    const stream = this.clients.gateway.Sync() as unknown as grpc.ClientDuplexStream<unknown, SyncDown__Output>;
    this.stream = stream;
    stream.on('data', (m: SyncDown__Output) => {
      this.received.push(m);
      const version = m.snapshot?.version ?? m.delta?.version ?? 0;
      if (this.ack) stream.write({ ack: { version, applyUs: 10, error: '' } });
      this.waiters.splice(0).forEach((w) => w());
    });
    stream.on('error', () => undefined);
    stream.write({ hello: { publicKey: this.creds.wgPublicKey, endpoint: this.endpoint, agentVersion: 'test' } });
  }

  async next(pred: (m: SyncDown__Output) => boolean, from = 0): Promise<SyncDown__Output> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const m = this.received.slice(from).find(pred);
      if (m) return m;
      if (Date.now() > deadline) throw new Error('expected sync message did not arrive');
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }

  /** Acknowledges a version by hand (with `ack` off, a change stays pending until then). */
  acknowledge(version: number): void {
    this.stream?.write({ ack: { version, applyUs: 10, error: '' } });
  }

  disconnect(): void {
    this.stream?.cancel();
  }

  close(): void {
    this.disconnect();
    this.clients.close();
  }
}

/** Enrolls a gateway with a join token and a fresh WireGuard key, as `wicket-gateway enroll` does; returns its credentials. */
export async function enrollGateway(t: TestController, name: string): Promise<GatewayCredentials> {
  const { token } = await call(t.admin.admin, 'CreateJoinToken', { gatewayName: name, ttlSeconds: 600 });
  const caPem = await fetchPinnedCa(t.auth, t.fingerprint);
  const keys = generateKeyPair();
  const wgPublicKey = publicKeyOf(generatePrivateKey());
  const auth = authClients(t.auth, caPem);
  try {
    const r = await call(auth.auth, 'EnrollGateway', { token, csrPem: createCsr(keys, name), wgPublicKey });
    return { caPem: r.caPem, certPem: r.certificatePem, keyPem: keys.privateKeyPem, wgPublicKey };
  } finally {
    auth.close();
  }
}

/**
 * A gateway entry's rules without the two every session gets on each of its gateways for the
 * gateway's DNS service (udp and tcp 53 of the service address): what the policy gave.
 */
export function grantedRules<R extends { protocol: string; portFrom: number; portTo: number }>(rules: R[]): R[] {
  return rules.filter((r) => !(r.portFrom === DNS_PORT && r.portTo === DNS_PORT && (r.protocol === 'udp' || r.protocol === 'tcp')));
}

/** A posture report as a managed Linux laptop's client sends it. */
export const LAPTOP_POSTURE = { os: 'linux', osVersion: '6.1', clientVersion: '0.1.0', diskEncryption: 'true', firewall: 'true', hostname: 'laptop' };
