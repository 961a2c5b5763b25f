// Crash consistency of two controllers on one PostgreSQL (issue 17): controllers a and b are
// SIGKILLed in turn (a, b, a, ...; each restarted after its kill) while a storm of Connects,
// session revokes, policy applies and user additions goes through each of them
// (test/reliability/storm.ts, one storm per controller and round). Every request a controller
// acknowledged is recorded; afterwards every acknowledged write is in the database (read with
// node-postgres over the server's socket), no overlay address or WireGuard key is held by two
// live sessions, the audit chain verifies through either controller, and each controller
// acknowledged Connects while the other held the gateway's Sync stream (which needs the
// gateway's presence and acks across controllers). Every kill hits the controller holding the
// gateway (it moved to the survivor of the kill before), so the gateway moves every round.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ADDR, Program } from '../../scripts/topology/index.js';
import { eventually, PORTS, samplePolicy, WicketSystem, type ControllerName } from '../../scripts/topology/system.js';
import { gatewayHolders, gatewayHoldersByLog, startTwoControllers } from '../../scripts/topology/controllers.js';
import { useThrowawayPostgres, type PostgresServer } from '../../scripts/postgres-server.js';
import { mulberry32 } from '../support/prng.js';

const KILLS = Number(process.env.WICKET_FAULT_KILLS ?? 20);
const STORM = fileURLToPath(new URL('../reliability/storm.js', import.meta.url));
// The storms open all their sessions from one device of one user: lift the session caps.
const CONTROLLER_FLAGS = ['--heartbeat-interval', '1s', '--heartbeat-timeout', '10m', '--max-sessions-per-user', '100000', '--max-sessions-per-device', '100000'];
const API: Record<ControllerName, string> = { a: `${ADDR.ctl}:${PORTS.api}`, b: `${ADDR.ctl2}:${PORTS.api}` };

/** What the storms of one controller got acknowledged (`connectWithoutGateway`: Connects while the other held the gateway). */
interface Acked { connect: Set<string>; connectWithoutGateway: number; revoke: Set<string>; policy: Set<number>; user: Set<string>; errors: number }
const noAcks = (): Acked => ({ connect: new Set(), connectWithoutGateway: 0, revoke: new Set(), policy: new Set(), user: new Set(), errors: 0 });

describe('two controllers on one PostgreSQL, SIGKILLed in turn during a storm', { timeout: 600_000 }, () => {
  let postgres: PostgresServer | undefined;
  let sys: WicketSystem;
  let db: pg.Client | undefined;
  const acked: Record<ControllerName, Acked> = { a: noAcks(), b: noAcks() };
  const errors: string[] = [];

  before(async () => {
    postgres = await useThrowawayPostgres();
    sys = await WicketSystem.create('wicket-crash-', { secondController: true });
    await startTwoControllers(sys, CONTROLLER_FLAGS);
    await sys.login('c1', 'alice', ['a', 'b']);
    db = new pg.Client({ connectionString: process.env.WICKET_DATABASE_URL });
    await db.connect();
  });

  after(async () => {
    console.log(JSON.stringify({ crash: Object.fromEntries(Object.entries(acked).map(([n, a]) => [n, { connects: a.connect.size, connectsWithoutGateway: a.connectWithoutGateway, revokes: a.revoke.size, policies: a.policy.size, users: a.user.size, errors: a.errors }])), firstErrors: errors.slice(0, 10) }));
    await db?.end().catch(() => undefined);
    sys?.cleanup();
    postgres?.stop();
    delete process.env.WICKET_DATABASE_URL;
  });

  /** The one controller holding dc1's Sync stream, once the gateway is on one (their logs say it at once). */
  const holder = async (): Promise<ControllerName> => {
    await eventually(() => gatewayHoldersByLog(sys, 'dc1').length === 1, 30_000, 'one controller holds the gateway');
    return gatewayHoldersByLog(sys, 'dc1')[0]!;
  };

  const count = async (query: string, values: unknown[]) => Number((await db!.query<{ n: string }>(query, values)).rows[0]!.n);

  test(`${KILLS} SIGKILLs of alternating controllers during a storm through both`, async (t) => {
    const policyA = join(sys.dir, 'storm-a.yaml');
    const policyB = join(sys.dir, 'storm-b.yaml');
    writeFileSync(policyA, samplePolicy());
    writeFileSync(policyB, samplePolicy({ bobGetsDb: false }));
    const random = mulberry32(Number(process.env.WICKET_FAULT_SEED ?? 17));
    const started = Date.now();
    for (let round = 0; round < KILLS; round++) {
      const victim: ControllerName = round % 2 === 0 ? 'a' : 'b';
      const holding = await holder();
      const storms = (['a', 'b'] as const).map((name) => ({
        name,
        storm: new Program(sys.topo.spawn('c1', process.execPath, [STORM, API[name], join(sys.dataDir, 'admin'), sys.stateDir('c1', 'alice'), `${round}${name}`, policyA, policyB])),
      }));
      // Events before the kill: the gateway was still on `holding` (only a kill moves it).
      let beforeKill = [Infinity, Infinity];
      try {
        // Kill at a random point once each storm has had some effect.
        for (const { name, storm } of storms) {
          await storm.until((ev) => ev.some((e) => typeof e.ack === 'string'), 20_000, `round ${round}: a first acknowledged action through ${name}`);
        }
        await new Promise((r) => setTimeout(r, 300 + Math.floor(random() * 1200)));
        beforeKill = storms.map(({ storm }) => storm.events.length);
        await sys.controllers.get(victim)!.stop('SIGKILL');
      } finally {
        for (const [i, { name, storm }] of storms.entries()) {
          storm.stop();
          for (const [j, e] of storm.events.entries()) {
            if (e.ack === 'connect') {
              acked[name].connect.add(e.id as string);
              if (name !== holding && j < beforeKill[i]!) acked[name].connectWithoutGateway += 1;
            }
            if (e.ack === 'revoke') acked[name].revoke.add(e.id as string);
            if (e.ack === 'policy') acked[name].policy.add(e.version as number);
            if (e.ack === 'user') acked[name].user.add(e.name as string);
            if (typeof e.error === 'string') {
              acked[name].errors += 1;
              errors.push(`${name}: ${e.error}`);
            }
          }
        }
      }
      await sys.startController(CONTROLLER_FLAGS, victim);
    }
    t.diagnostic(`${KILLS} kills in ${Date.now() - started} ms`);
    const all = (k: 'revoke' | 'policy' | 'user') => acked.a[k].size + acked.b[k].size;
    assert.ok(acked.a.connect.size + acked.b.connect.size > 0 && all('revoke') > 0 && all('policy') > 0 && all('user') > 0,
      `the storms exercised every action: ${JSON.stringify({ connects: acked.a.connect.size + acked.b.connect.size, revokes: all('revoke'), policies: all('policy'), users: all('user') })}`);
    // And the registry agrees, as any controller tells it.
    const last = await holder();
    await eventually(async () => (await gatewayHolders(sys, 'dc1', last)).join(',') === last, 30_000, `controller list shows dc1 on ${last}`);
  });

  test('every acknowledged write is in the database', async () => {
    for (const name of ['a', 'b'] as const) {
      const a = acked[name];
      const users = [...a.user];
      assert.equal(await count('SELECT count(*) AS n FROM users WHERE name = ANY($1)', [users]), users.length, `users acknowledged through ${name}`);
      const policies = [...a.policy];
      assert.equal(await count('SELECT count(*) AS n FROM policies WHERE version = ANY($1)', [policies]), policies.length, `policy versions acknowledged through ${name}`);
      const sessions = [...a.connect];
      assert.equal(await count('SELECT count(*) AS n FROM sessions WHERE id = ANY($1)', [sessions]), sessions.length, `sessions acknowledged through ${name}`);
      const revoked = [...a.revoke];
      assert.equal(await count("SELECT count(*) AS n FROM sessions WHERE id = ANY($1) AND state = 'revoked'", [revoked]), revoked.length, `revokes acknowledged through ${name}`);
    }
  });

  test('no overlay address or WireGuard key is held by two live sessions', async () => {
    for (const column of ['overlay_address', 'wg_public_key']) {
      const twice = await db!.query(`SELECT ${column} AS v, count(*) AS n FROM sessions WHERE state = 'active' GROUP BY ${column} HAVING count(*) > 1`);
      assert.deepEqual(twice.rows, [], `${column} held twice`);
    }
  });

  test('the audit chain verifies through either controller', async () => {
    for (const via of [['a'], ['b']] as const) await sys.wicketctl(['audit', 'verify'], undefined, via);
  });

  test('each controller acknowledged Connects while the other held the gateway', () => {
    for (const name of ['a', 'b'] as const) {
      assert.ok(acked[name].connectWithoutGateway > 0, `no Connect acknowledged through ${name} while the other held the gateway; its storms' first errors: ${JSON.stringify(errors.filter((e) => e.startsWith(`${name}:`) && !/No connection established/.test(e)).slice(0, 3))}`);
    }
  });
});
