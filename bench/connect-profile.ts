// Where a Connect's time goes in the controller, per store: Connects through the session
// manager alone (its real store, audit chain, change log and Sync fan-out, with a stand-in
// gateway stream that acks every version at once), counting the queries sent (a Kysely
// plugin), the transactions and the time spent inside them, and the controller's CPU per
// session. No namespaces, no gRPC: what is left is the store's share of bench/sessions.ts.
// Usage: node dist-dev/bench/connect-profile.js [N] [--postgres] (a throwaway PostgreSQL
// from Debian's package, as the tests start it). Prints one JSON object.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
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
import { RecordingStream, wgPublicKey } from '../test/support/sync-stream.js';
import type { SyncDown } from '../proto/generated/wicket/v1/SyncDown.js';

/** Counts the statements Kysely sends. */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

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

  /** A gateway that applies every version at once. */
  class AckingGateway extends RecordingStream {
    override write(m: SyncDown): boolean {
      super.write(m);
      const version = Number(m.snapshot?.version ?? m.delta?.version);
      setImmediate(() => void fanout.ack('dc1', this, version, 100, ''));
      return true;
    }
  }
  const fanout: SyncFanout = new SyncFanout({
    store, notifier: database.notifier, snapshot: (tx, g) => manager.gatewaySnapshot(tx, g), entries: (g, ids) => manager.gatewayEntries(g, ids), onAck: () => undefined, log,
  });
  const manager: SessionManager = new SessionManager({
    store, audit: await Audit.open(store), masterKey: MasterKey.ephemeral(), fanout, policy: () => ({ policy, version: 1 }),
    settings: { pool: parsePool('100.64.0.0/16'), overlayIpv6: 'fd6b:7769:636b::/64', ackTimeoutMs: 30_000, heartbeatIntervalMs: 20_000, heartbeatTimeoutMs: 90_000,
      maxSessionsPerUser: n + 1, maxSessionsPerDevice: n + 1, postureChanges: { burst: 5, perMinute: 6 } }, log,
  });
  const gateway = new AckingGateway();
  await fanout.attach('dc1', gateway);
  await manager.start();

  counter.count = 0;
  inTransactions.count = 0;
  inTransactions.ms = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let issued = 0;
  const worker = async () => {
    while (issued < n) {
      issued++;
      await manager.connect(caller, { wgPublicKey: wgPublicKey(), posture: null, ackTimeoutMs: 0 });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const deltas = gateway.sent.filter((m) => m.delta?.upserts?.length).length;
  console.log(JSON.stringify({
    store: database.dialect, sessions: n, connectsPerSecond: Math.round((n / wallMs) * 1000), queriesPerSession: +(counter.count / n).toFixed(1),
    transactions: inTransactions.count, sessionsPerDelta: +(n / deltas).toFixed(1), msInTransactionsPerSession: +(inTransactions.ms / n).toFixed(2),
    controllerCpuMsPerSession: +((used.user + used.system) / 1000 / n).toFixed(2), wallMs: Math.round(wallMs),
  }, null, 2));
  manager.stop();
  fanout.close();
  await close();
}

await main();
