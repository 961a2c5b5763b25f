// Failover between controllers, on the caller side, over real gRPC with mutual TLS: with a
// closed port first in the list, the client (login, Connect, Watch), the gateway (enroll, Sync)
// and wicketctl succeed through the second; and when the running controller stops mid-stream,
// the client's Watch and the gateway's Sync move to a controller process started afterwards on
// the same data directory (listed second), which then serves a new Connect and gives the
// gateway a snapshot with the live sessions. (Two controllers on one SQLite file at once are
// not supported, so the second starts only once the first has stopped.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiChannels } from '../../common/api-channels.js';
import { call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { SessionAgent, type AgentResult } from '../../client/agent.js';
import { controllerApi, type ControllerApi } from '../../client/api.js';
import { login } from '../../client/login.js';
import { up } from '../../client/session-lifecycle.js';
import { StateDir } from '../../client/state.js';
import type { TunnelOps } from '../../client/tunnel.js';
import { startController, type RunningController } from '../../controller/app/start.js';
import { sessionModule } from '../../controller/sessions/module.js';
import type { DataPlane } from '../../gateway/dataplane/dataplane.js';
import { enrollGateway } from '../../gateway/agent/enroll.js';
import { loadGatewayState } from '../../gateway/agent/state.js';
import { SyncAgent, type SyncStream } from '../../gateway/agent/sync.js';
import { createGatewayMetrics } from '../../gateway/metrics.js';
import { addUser, codeAt, LAPTOP_POSTURE, silentLogger, startTestController, type TestController } from './harness.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({ gateways: ['dc1'], groups: { eng: ['alice'] }, resources: { wiki: WIKI }, grants: [grantTo('eng', 'wiki')] });
const PASSWORD = 'pw-alice quartz tram';
const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs wicketctl as its own process, asynchronously: the controller serves from this process,
 * so a synchronous spawn would stop it from answering.
 */
function wicketctl(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin', 'wicketctl'), ...args], { encoding: 'utf8', env: { ...process.env, WICKET_LOG_LEVEL: 'warn' } }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A tunnel that changes nothing (the integration tests need no privileges). */
const tunnel: TunnelOps = {
  create: async () => undefined,
  update: async () => undefined,
  destroy: async () => undefined,
  stats: async () => ({ publicKey: '', listenPort: 0, peers: [] }),
};

/** The data plane as the Sync agent drives it: records the sessions of each version. */
class RecordingDataPlane {
  readonly snapshots: string[][] = [];
  /** The version of every delta applied. */
  readonly deltas: number[] = [];
  readonly sessions = new Set<string>();
  async applySnapshot(version: number, sessions: Array<{ id: string }>) {
    this.snapshots.push(sessions.map((s) => s.id));
    this.sessions.clear();
    for (const s of sessions) this.sessions.add(s.id);
    return { version, sessions: this.sessions.size, peersAdded: 0, peersRemoved: 0, elementsAdded: 0, elementsDeleted: 0, applyUs: 1 };
  }
  async applyDelta(version: number, upserts: Array<{ id: string }>, removes: string[]) {
    this.deltas.push(version);
    for (const id of removes) this.sessions.delete(id);
    for (const s of upserts) this.sessions.add(s.id);
    return { version, sessions: this.sessions.size, peersAdded: 0, peersRemoved: 0, elementsAdded: 0, elementsDeleted: 0, applyUs: 1 };
  }
}

/** A gateway agent (enrolled through `controllers`, the auth list) syncing with `apiList`. */
async function startGatewayAgent(t: TestController, authList: string, apiList: string[], dir: string) {
  const { token } = await call(t.admin.admin, 'CreateJoinToken', { gatewayName: 'dc1', ttlSeconds: 600 });
  await enrollGateway({ controller: authList, caFingerprint: t.fingerprint, token, stateDir: dir });
  const state = await loadGatewayState(dir);
  const channels = new ApiChannels(apiList, { caPem: state.caPem, certPem: state.certPem, keyPem: state.keyPem });
  const dataPlane = new RecordingDataPlane();
  const opened: number[] = [];
  const agent = new SyncAgent({
    open: (i) => {
      opened.push(i);
      return channels.get(i).gateway.Sync() as SyncStream;
    },
    controllers: apiList.length,
    dataPlane: dataPlane as unknown as DataPlane,
    hello: { publicKey: publicKeyOf(state.wgPrivateKey), endpoint: '192.0.2.1:51820', agentVersion: 'test' },
    log: silentLogger(), metrics: createGatewayMetrics(),
    backoff: { baseMs: 50, capMs: 200 },
  });
  agent.start();
  return {
    dataPlane, opened, info: state.info,
    stop: async () => {
      await agent.stop();
      channels.close();
    },
  };
}

/** A logged-in client state directory (through the auth list, API endpoints given per controller). */
async function loggedIn(t: TestController, secret: string, authList: string, apiList: string): Promise<StateDir> {
  const state = new StateDir(mkdtempSync(join(tmpdir(), 'wicket-failover-client-')));
  await login(state, { controller: authList, apiEndpoint: apiList, caFingerprint: t.fingerprint, username: 'alice', password: PASSWORD, totpCode: await codeAt(t, secret) });
  return state;
}

function runAgent(state: StateDir, api: ControllerApi): { agent: SessionAgent; done: Promise<AgentResult> } {
  const agent = new SessionAgent({ state, api, tunnel, posture: async () => LAPTOP_POSTURE, log: silentLogger(), backoffMs: { initial: 50, max: 200 } });
  return { agent, done: agent.run() };
}

describe('failover: the first controller of the list is unreachable', () => {
  let t: TestController;
  let closedAuth: string;
  let closedApi: string;
  let secret: string;
  const dirs: string[] = [];

  before(async () => {
    t = await startTestController({ modules: [sessionModule()] });
    secret = await addUser(t, 'alice', PASSWORD, { groups: ['eng'] });
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    closedAuth = `127.0.0.1:${await freePort()}`;
    closedApi = `127.0.0.1:${await freePort()}`;
  });

  after(async () => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await t?.stop();
  });

  test('the gateway enrolls and syncs, and the client logs in, connects and watches through the second', async () => {
    const gwDir = mkdtempSync(join(tmpdir(), 'wicket-failover-gw-'));
    dirs.push(gwDir);
    const gw = await startGatewayAgent(t, `${closedAuth},${t.auth}`, [closedApi, t.api], gwDir);
    try {
      assert.equal(gw.info.controller, t.auth, 'enrolled through the second controller');
      await until('the gateway snapshot', () => gw.dataPlane.snapshots.length > 0);
      assert.deepEqual(gw.opened.slice(0, 2), [0, 1]);

      const state = await loggedIn(t, secret, `${closedAuth},${t.auth}`, `${closedApi},${t.api}`);
      dirs.push(state.dir);
      const stored = state.login()!;
      assert.deepEqual([stored.controller, stored.controllers, stored.apiEndpoints], [t.auth, [closedAuth, t.auth], [closedApi, t.api]]);
      // The API client starts on the first (unreachable) one: Connect moves to the second.
      const api = controllerApi(state);
      assert.equal(api.endpoint, closedApi);
      const { session } = await up(state, api, tunnel, { posture: LAPTOP_POSTURE });
      assert.equal(session.controller, t.api);
      await until('the gateway to get the session', () => gw.dataPlane.sessions.has(session.sessionId));
      // A fresh agent process reads the controller the session uses and watches there.
      const agentApi = controllerApi(state);
      assert.equal(agentApi.endpoint, t.api);
      const { agent, done } = runAgent(state, agentApi);
      await call(t.admin.admin, 'RevokeSession', { id: session.sessionId, reason: 'failover test' });
      const result = await done;
      agent.stop();
      agentApi.close();
      api.close();
      assert.equal(result.state, 'revoked');
    } finally {
      await gw.stop();
    }
  });

  test('wicketctl runs its command on the second controller', async () => {
    const r = await wicketctl(['--controller', `${closedApi},${t.api}`, '--credentials', join(t.dir, 'data', 'admin'), 'user', 'list', '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as Array<{ name: string }>).some((u) => u.name === 'alice'));
  });

  test('wicketctl with no controller reachable names each one, and a bad list is refused', async () => {
    const down = await wicketctl(['--controller', `${closedApi},${closedAuth}`, '--credentials', join(t.dir, 'data', 'admin'), 'user', 'list']);
    assert.notEqual(down.status, 0);
    assert.match(down.stderr, new RegExp(`no controller could be reached: ${closedApi} .*; ${closedAuth} `));
    const bad = await wicketctl(['--controller', `${t.api},${t.api}`, '--credentials', join(t.dir, 'data', 'admin'), 'user', 'list']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /listed twice/);
  });
});

describe('failover: the controller stops mid-stream and another takes over the same data', () => {
  let t: TestController;
  let b: RunningController | undefined;
  let aStopped = false;
  const dirs: string[] = [];

  before(async () => {
    t = await startTestController({ modules: [sessionModule()] });
  });

  after(async () => {
    await b?.stop(1000);
    if (!aStopped) await t?.controller.stop(1000);
    t?.admin.close();
    for (const d of [...dirs, t?.dir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test('the client\'s Watch and the gateway\'s Sync move to the second controller and keep working', async () => {
    const secret = await addUser(t, 'alice', PASSWORD, { groups: ['eng'] });
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    const bAuth = `127.0.0.1:${await freePort()}`;
    const bApi = `127.0.0.1:${await freePort()}`;

    const gwDir = mkdtempSync(join(tmpdir(), 'wicket-failover-gw-'));
    dirs.push(gwDir);
    const gw = await startGatewayAgent(t, `${t.auth},${bAuth}`, [t.api, bApi], gwDir);
    try {
      await until('the gateway snapshot from A', () => gw.dataPlane.snapshots.length > 0);
      const state = await loggedIn(t, secret, `${t.auth},${bAuth}`, `${t.api},${bApi}`);
      dirs.push(state.dir);
      const upApi = controllerApi(state);
      const { session } = await up(state, upApi, tunnel, { posture: LAPTOP_POSTURE });
      upApi.close();
      assert.equal(session.controller, t.api);
      await until('the gateway to get the session from A', () => gw.dataPlane.sessions.has(session.sessionId));
      const api = controllerApi(state);
      const { agent, done } = runAgent(state, api);
      try {
        await until('the agent to watch on A', () => state.session()?.controller === t.api);

        // A stops; B starts on the same data directory (and database) once A is gone.
        aStopped = true;
        await t.controller.stop(1000);
        const snapshotsBefore = gw.dataPlane.snapshots.length;
        const deltasBefore = gw.dataPlane.deltas.length;
        b = await startController({
          dataDir: join(t.dir, 'data'), databaseUrl: t.databaseUrl, listen: bApi, authListen: bAuth, log: silentLogger(), modules: [sessionModule()],
        });

        await until('the agent to watch on B', () => state.session()?.controller === bApi);
        // The gateway resumes on B from the version it applied on A: deltas, no snapshot.
        await until('the gateway to resume its stream on B', () => gw.opened.at(-1) === 1 && gw.dataPlane.deltas.length > deltasBefore);
        assert.equal(gw.dataPlane.snapshots.length, snapshotsBefore, 'no snapshot on resume');
        assert.ok(gw.dataPlane.sessions.has(session.sessionId), 'the live session is still enforced');

        // B serves a new Connect (the API client moves past the stopped A), and the gateway gets it.
        const again = controllerApi(state);
        try {
          const res = await again.connect(publicKeyOf(generatePrivateKey()), LAPTOP_POSTURE, 0);
          assert.equal(again.endpoint, bApi);
          const id = res.session!.id;
          await until('the gateway to get the new session from B', () => gw.dataPlane.sessions.has(id));
        } finally {
          again.close();
        }

        // The agent follows the session on B: a revoke there ends it.
        const bAdmin = new ApiChannels([bApi], t.adminCreds);
        try {
          await call(bAdmin.get(0).admin, 'RevokeSession', { id: session.sessionId, reason: 'failover test' });
        } finally {
          bAdmin.close();
        }
        assert.equal((await done).state, 'revoked');
      } finally {
        agent.stop();
        api.close();
      }
    } finally {
      await gw.stop();
    }
  });
});
