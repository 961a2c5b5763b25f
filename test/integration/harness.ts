// Test harness for integration suites: a real controller (real gRPC with mutual TLS on
// loopback, a temporary data directory) started in-process, with a clock the test can move,
// and helpers to add users, log in and build clients. Its store is the SQLite file in the data
// directory, or with WICKET_TEST_STORE=postgres a fresh database on a real PostgreSQL
// (test/support/postgres.ts): scripts/run-tests.mjs runs these suites on both.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
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
import { dropPostgresDatabase, freshPostgresDatabase, testStoreKind } from '../support/postgres.js';

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

/**
 * The running controller's store, opened a second time beside it (the SQLite file in its data
 * directory, or its PostgreSQL database), for a test that looks at or tampers with rows
 * directly. Close it before the controller stops.
 */
export function openControllerDatabase(t: TestController, options: { readonly?: boolean } = {}): Promise<Database> {
  return openDatabase(t.databaseUrl ? { kind: 'postgres', url: t.databaseUrl } : { kind: 'sqlite', path: join(t.dir, 'data', 'controller.db') }, options);
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
