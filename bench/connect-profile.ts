// Where a Connect's time goes in the controller, per store: Connects through the session
// manager alone (its real store, audit chain, change log and Sync fan-out, with a stand-in
// gateway stream that acks every version at once), counting the queries sent (a Kysely
// plugin), the transactions and the time spent inside them, and the controller's CPU per
// session. No namespaces, no gRPC: what is left is the store's share of bench/sessions.ts.
// With every session still live at the end, it also reads the process's resident memory and
// heap (the controller's share of 100,000 live sessions without the real gateway's cost), and
// the Connect rate of an early slice of the run (after a slice of warm-up) and of its last
// slice (how the cost grows with the sessions already live: about 1,000 live against N).
// Usage: node dist-dev/bench/connect-profile.js [N] [--postgres] (a throwaway PostgreSQL
// from Debian's package, as the tests start it). Prints one JSON object.
import { QueryCounter } from '../test/support/query-counter.js';
import { openTestStore } from '../test/support/store.js';
import { Store, type TransactionOptions } from '../controller/store/store.js';
import { Audit } from '../controller/audit/audit.js';
import { MasterKey } from '../controller/crypto/masterkey.js';
import { createLogger } from '../common/log.js';
import { parsePolicy, type Policy } from '../controller/policy/index.js';
import { SyncFanout } from '../controller/sync/fanout.js';
import { parsePool } from '../controller/sessions/ipam.js';
import { SessionManager } from '../controller/sessions/session-manager.js';
import { grantTo, policyYaml } from '../test/support/policies.js';
import { randomBytes } from 'node:crypto';
import type { SyncStream } from '../controller/sync/fanout.js';
import type { SyncDown } from '../proto/generated/wicket/v1/SyncDown.js';

const IN_FLIGHT = 32;

async function main(): Promise<void> {
  const postgres = process.argv.includes('--postgres');
  process.env.WICKET_TEST_STORE = postgres ? 'postgres' : 'sqlite';
  const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 400);
  const { store: setup, database, close } = await openTestStore();
  const counter = new QueryCounter();
  const store = new Store(database.kysely.withPlugin(counter), database.dialect);
  const inTransactions = { count: 0, ms: 0 };
  const transaction = store.transaction.bind(store);
  store.transaction = async <T>(fn: (tx: Store) => Promise<T>, options?: TransactionOptions): Promise<T> => {
    inTransactions.count++;
    const started = performance.now();
    try {
      return await transaction(fn, options);
    } finally {
      inTransactions.ms += performance.now() - started;
    }
  };
  await database.notifier.start();
  const log = createLogger('bench', { write: () => true } as unknown as NodeJS.WritableStream);
  const parsed = parsePolicy(policyYaml({
    gateways: ['dc1'], groups: { eng: ['loader'] },
    resources: { web: { address: '10.9.0.10', ports: ['tcp/443'], gateway: 'dc1' } }, grants: [grantTo('eng', 'web')],
  }));
  if (!parsed.ok) throw new Error('bench policy does not parse');
  const policy: Policy = parsed.policy;
  await setup.gateways.enroll('dc1', 'gw-serial', 0, '', '');
  await setup.users.add({ name: 'loader', passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: 0 }, ['eng']);
  const caller = { user: 'loader', deviceId: 'dev-loader', certSerial: 'serial-loader', certNotAfterMs: Date.now() + 3_600_000 };
  await setup.certificates.record({ serial: caller.certSerial, kind: 'user', subject: 'loader', deviceId: caller.deviceId, issuedAtMs: 0, notAfterMs: caller.certNotAfterMs });

  /** A gateway that applies every version at once (keeping nothing but a count: its memory is not the controller's). */
  class AckingGateway implements SyncStream {
    deltas = 0;
    write(m: SyncDown): boolean {
      if (m.delta?.upserts?.length) this.deltas++;
      const version = Number(m.snapshot?.version ?? m.delta?.version);
      setImmediate(() => void fanout.ack('dc1', this, version, 100, ''));
      return true;
    }
    end(): void {}
  }
  const fanout: SyncFanout = new SyncFanout({
    store, notifier: database.notifier, snapshot: (tx, g) => manager.gatewaySnapshot(tx, g), entries: (g, ids) => manager.gatewayEntries(g, ids), onAck: () => undefined, log,
  });
  const manager: SessionManager = new SessionManager({
    store, audit: await Audit.open(store), masterKey: MasterKey.ephemeral(), fanout, policy: () => ({ policy, version: 1 }),
    settings: { pool: parsePool('100.64.0.0/10'), overlayIpv6: 'fd6b:7769:636b::/64', ackTimeoutMs: 30_000, heartbeatIntervalMs: 20_000, heartbeatTimeoutMs: 90_000,
      maxSessionsPerUser: n + 1, maxSessionsPerDevice: n + 1, postureChanges: { burst: 5, perMinute: 6 } }, log,
  });
  const gateway = new AckingGateway();
  await fanout.attach('dc1', gateway);
  await manager.start();

  // Keys made beforehand (any 32 bytes are an X25519 public key): their cost is the client's.
  const keys = Array.from({ length: n }, () => randomBytes(32).toString('base64'));
  /** Sessions per slice compared: at most 1,000, and a tenth of a short run. */
  const slice = Math.max(1, Math.min(1000, Math.floor(n / 10)));
  const doneAt: number[] = [];
  counter.count = 0;
  inTransactions.count = 0;
  inTransactions.ms = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let issued = 0;
  const worker = async () => {
    while (issued < n) {
      const key = keys[issued++]!;
      await manager.connect(caller, { wgPublicKey: key, posture: null, ackTimeoutMs: 0 });
      doneAt.push(performance.now());
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const rate = (from: number, to: number) => ((to - from) / (doneAt[to - 1]! - (from === 0 ? started : doneAt[from - 1]!))) * 1000;
  const first = rate(slice, 2 * slice);
  const last = rate(n - slice, n);
  const growth = first / last;
  global.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const label = `${n} sessions, ${database.dialect}, stand-in gateway`;
  const figures = [
    { name: `connect throughput, controller alone (${label})`, value: Math.round((n / wallMs) * 1000), unit: 'sessions/s', goal: 1000 },
    { name: `queries per Connect (${label})`, value: +(counter.count / n).toFixed(1), unit: 'queries' },
    { name: `transactions (${label})`, value: inTransactions.count, unit: 'transactions' },
    { name: `sessions per gateway delta (${label})`, value: +(n / Math.max(gateway.deltas, 1)).toFixed(1), unit: 'sessions' },
    { name: `time inside transactions per Connect (${label})`, value: +(inTransactions.ms / n).toFixed(2), unit: 'ms' },
    { name: `controller CPU per Connect (${label})`, value: +((used.user + used.system) / 1000 / n).toFixed(2), unit: 'ms' },
    { name: `connect throughput, sessions ${slice + 1}-${2 * slice} (${label})`, value: Math.round(first), unit: 'sessions/s' },
    { name: `connect throughput, the last ${slice} sessions (${label})`, value: Math.round(last), unit: 'sessions/s' },
    { name: `connect cost growth, the last ${slice} over sessions ${slice + 1}-${2 * slice} (${label})`, value: +growth.toFixed(2), unit: 'x', goal: 1.2 },
    { name: `controller resident memory, bench process (${label})`, value: Math.round(rss / 1048576), unit: 'MB', goal: 400 },
    { name: `controller heap used (${label})`, value: Math.round(heapUsed / 1048576), unit: 'MB' },
  ].map((f) => ({ ...f, goal: f.goal ?? 0, ratio: f.goal === undefined ? 1 : +(f.unit === 'sessions/s' ? f.value / f.goal : f.goal / f.value).toFixed(2) }));
  console.log(JSON.stringify({ name: `connect profile (${database.dialect})`, figures }, null, 2));
  manager.stop();
  fanout.close();
  await close();
}

await main();
