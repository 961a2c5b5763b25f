// Tests for the Sync state machine against an in-process fake controller (real gRPC on
// loopback, insecure: the claim here is the agent's logic) and a recording fake DataPlane:
// ordering, snapshot replacement, gap -> resync, ack contents, reconnect backoff, resume
// after a reconnect from the version applied.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { wicketV1 } from '../../proto/load.js';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { SyncDown } from '../../proto/generated/wicket/v1/SyncDown.js';
import type { SyncUp__Output } from '../../proto/generated/wicket/v1/SyncUp.js';
import { createLogger } from '../../common/log.js';
import type { ApplyResult, DataPlane } from '../dataplane/dataplane.js';
import type { DesiredSession } from '../dataplane/session.js';
import { createGatewayMetrics, type GatewayMetrics } from '../metrics.js';
import { SyncAgent, deltaFollows, type AppliedChange, type SyncObserver, type SyncStream } from './sync.js';

/** A FIFO whose shift() waits for the next item. */
class Queue<T> {
  private items: T[] = [];
  private waiters: Array<(item: T) => void> = [];
  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }
  shift(): Promise<T> {
    const item = this.items.shift();
    return item !== undefined ? Promise.resolve(item) : new Promise((resolve) => this.waiters.push(resolve));
  }
  get length(): number {
    return this.items.length;
  }
}

/** One Sync stream as the fake controller sees it. */
class FakeStream {
  readonly up = new Queue<SyncUp__Output>();
  /** The version the agent's Hello said it applied (0 = unknown). */
  applied = 0;
  readonly closed: Promise<void>;
  constructor(readonly call: grpc.ServerDuplexStream<SyncUp__Output, SyncDown>) {
    call.on('data', (m: SyncUp__Output) => this.up.push(m));
    this.closed = new Promise((resolve) => {
      call.on('cancelled', () => resolve());
      call.on('end', () => resolve());
      call.on('error', () => resolve());
    });
  }
  send(message: SyncDown): void {
    this.call.write(message);
  }
  async nextAck(): Promise<{ version: number; applyUs: number; error: string }> {
    const m = await this.up.shift();
    assert.equal(m.msg, 'ack', `expected an ack, got ${JSON.stringify(m)}`);
    return m.ack!;
  }
}

class FakeController {
  readonly streams = new Queue<FakeStream>();
  readonly server = new grpc.Server();
  port = 0;
  async start(): Promise<void> {
    this.server.addService(wicketV1().Gateway.service, {
      Sync: (call: grpc.ServerDuplexStream<SyncUp__Output, SyncDown>) => this.streams.push(new FakeStream(call)),
      Report: (call: grpc.ServerDuplexStream<unknown, unknown>) => call.end(),
    });
    this.port = await new Promise((resolve, reject) => this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
  }
  /** The next stream, after checking it opened with the agent's hello (its applied version kept in `applied`). */
  async accept(): Promise<FakeStream> {
    const stream = await this.streams.shift();
    const hello = await stream.up.shift();
    assert.equal(hello.msg, 'hello');
    const { appliedVersion, ...rest } = hello.hello!;
    assert.deepEqual(rest, { publicKey: HELLO.publicKey, endpoint: HELLO.endpoint, agentVersion: HELLO.agentVersion });
    stream.applied = appliedVersion;
    return stream;
  }
}

type Call = { kind: 'snapshot'; version: number; ids: string[] } | { kind: 'delta'; version: number; upserts: string[]; removes: string[] };

/** Records every call; can be told to fail or to take time, and checks calls never overlap. */
class FakeDataPlane implements DataPlane {
  readonly calls: Call[] = [];
  readonly applied = new Queue<Call>();
  readonly sessions = new Map<string, DesiredSession>();
  failNext: Error | undefined;
  delayMs = 0;
  private busy = false;
  closed = false;

  private async record(call: Call, change: () => void): Promise<ApplyResult> {
    assert.equal(this.busy, false, 'two applies overlapped');
    this.busy = true;
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const failure = this.failNext;
      this.failNext = undefined;
      this.calls.push(call);
      if (failure) throw failure;
      change();
      this.applied.push(call);
      return { version: call.version, sessions: this.sessions.size, peersAdded: 0, peersRemoved: 0, elementsAdded: 0, elementsDeleted: 0, applyUs: 1 };
    } finally {
      this.busy = false;
    }
  }
  async applySnapshot(version: number, sessions: DesiredSession[]) {
    return this.record({ kind: 'snapshot', version, ids: sessions.map((s) => s.id) }, () => {
      this.sessions.clear();
      for (const s of sessions) this.sessions.set(s.id, s);
    });
  }
  async applyDelta(version: number, upserts: DesiredSession[], removes: string[]) {
    return this.record({ kind: 'delta', version, upserts: upserts.map((s) => s.id), removes }, () => {
      for (const id of removes) this.sessions.delete(id);
      for (const s of upserts) this.sessions.set(s.id, s);
    });
  }
  async close() {
    this.closed = true;
  }
}

const HELLO = { publicKey: Buffer.alloc(32, 99).toString('base64'), endpoint: '192.0.2.1:51820', agentVersion: '0.1.0-test' };
const key = (n: number): string => Buffer.alloc(32, n).toString('base64');

function session(n: number, overrides: Partial<GatewaySession__Output> = {}): GatewaySession__Output {
  return {
    id: `s${n}`, overlayAddress: `100.64.0.${n}`, wgPublicKey: key(n), presharedKey: key(100 + n), expiresAtMs: 2_000_000_000_000,
    rules: [{ destination: '10.20.0.10', protocol: 'tcp', portFrom: 80, portTo: 80, expiresAtMs: 0 }], username: 'u', deviceId: 'd', groups: [], httpGrants: [], overlayIpv6: '',
    ...overrides,
  };
}

interface Harness { controller: FakeController; dataPlane: FakeDataPlane; agent: SyncAgent; metrics: GatewayMetrics; waits: number[]; logs: string[] }

async function harness(t: TestContext, observer?: SyncObserver): Promise<Harness> {
  const controller = new FakeController();
  await controller.start();
  const dataPlane = new FakeDataPlane();
  const metrics = createGatewayMetrics();
  const waits: number[] = [];
  const logs: string[] = [];
  const log = createLogger('sync-test', { write: (line: string) => logs.push(line) } as unknown as NodeJS.WritableStream);
  log.level = 'debug';
  const client = new (wicketV1().Gateway)(`127.0.0.1:${controller.port}`, grpc.credentials.createInsecure());
  const agent = new SyncAgent({
    open: () => client.Sync() as SyncStream,
    dataPlane, hello: HELLO, log, metrics, observer,
    backoff: { baseMs: 100, capMs: 400 },
    random: () => 0.5,
    wait: async (ms) => {
      waits.push(ms);
    },
  });
  t.after(async () => {
    await agent.stop();
    client.close();
    controller.server.forceShutdown();
  });
  agent.start();
  return { controller, dataPlane, agent, metrics, waits, logs };
}

/** A broken agent makes these tests wait for a message that never comes: fail them instead. */
const LIMIT = { timeout: 15_000 };

const metric = async (g: { get(): Promise<{ values: Array<{ value: number }> }> }): Promise<number> => (await g.get()).values[0]?.value ?? 0;

test('deltaFollows accepts only last+1 after a known version', () => {
  assert.equal(deltaFollows(4, 5), true);
  assert.equal(deltaFollows(4, 6), false);
  assert.equal(deltaFollows(4, 4), false);
  assert.equal(deltaFollows(4, 3), false);
  assert.equal(deltaFollows(undefined, 1), false);
});

test('hello, snapshot, then ordered deltas are applied and acked with their version', LIMIT, async (t) => {
  const h = await harness(t);
  const stream = await h.controller.accept();
  stream.send({ snapshot: { version: 5, sessions: [session(1), session(2)] } });
  const ack5 = await stream.nextAck();
  assert.equal(ack5.version, 5);
  assert.equal(ack5.error, '');
  assert.ok(ack5.applyUs > 0, 'apply time is measured');
  stream.send({ delta: { version: 6, upserts: [session(3)], removes: ['s1'] } });
  const ack6 = await stream.nextAck();
  assert.equal(ack6.version, 6);
  assert.equal(ack6.error, '');
  assert.deepEqual(h.dataPlane.calls, [
    { kind: 'snapshot', version: 5, ids: ['s1', 's2'] },
    { kind: 'delta', version: 6, upserts: ['s3'], removes: ['s1'] },
  ]);
  // The data plane got the mapped sessions (key names of DesiredSession, clamped rule expiry).
  const s3 = h.dataPlane.sessions.get('s3')!;
  assert.equal(s3.publicKey, key(3));
  assert.equal(s3.rules[0]!.expiresAtMs, 2_000_000_000_000);
  assert.equal(await metric(h.metrics.appliedVersion), 6);
  assert.equal(await metric(h.metrics.sessions), 2);
  assert.equal(await metric(h.metrics.syncConnected), 1);
  assert.equal(await metric(h.metrics.reconnects), 0);
});

test('versions are applied in order; what queues during an apply is merged and acked once', LIMIT, async (t) => {
  const h = await harness(t);
  h.dataPlane.delayMs = 20;
  const stream = await h.controller.accept();
  stream.send({ snapshot: { version: 1, sessions: [session(1)] } });
  for (let v = 2; v <= 6; v++) stream.send({ delta: { version: v, upserts: [session(v)], removes: [] } });
  const acks: number[] = [];
  while (acks.at(-1) !== 6) acks.push((await stream.nextAck()).version);
  const calls = h.dataPlane.calls.map((c) => c.version);
  assert.deepEqual(acks, calls, 'one ack per apply, with the version applied');
  assert.ok(calls.every((v, i) => i === 0 || v > calls[i - 1]!), `applies in order: ${calls}`);
  assert.ok(calls.length < 6, `deltas queued during the snapshot's apply were merged: ${calls}`);
  assert.deepEqual([...h.dataPlane.sessions.keys()].sort(), ['s1', 's2', 's3', 's4', 's5', 's6']);
});

/** An ack without its (measured, variable) apply time. */
const outcome = (ack: { version: number; error: string }) => ({ version: ack.version, error: ack.error });

test('a second snapshot replaces everything', LIMIT, async (t) => {
  const h = await harness(t);
  const stream = await h.controller.accept();
  stream.send({ snapshot: { version: 1, sessions: [session(1), session(2)] } });
  await stream.nextAck();
  stream.send({ snapshot: { version: 7, sessions: [session(9, { overlayAddress: '100.64.0.1' })] } });
  assert.deepEqual(outcome(await stream.nextAck()), { version: 7, error: '' });
  assert.deepEqual([...h.dataPlane.sessions.keys()], ['s9']);
  assert.equal(await metric(h.metrics.sessions), 1);
  stream.send({ delta: { version: 8, upserts: [], removes: ['s9'] } });
  assert.deepEqual(outcome(await stream.nextAck()), { version: 8, error: '' });
  assert.equal(h.dataPlane.sessions.size, 0);
});

test('a gap in delta versions drops the stream; the next stream starts from a fresh snapshot', LIMIT, async (t) => {
  const h = await harness(t);
  const first = await h.controller.accept();
  first.send({ snapshot: { version: 1, sessions: [session(1)] } });
  await first.nextAck();
  first.send({ delta: { version: 3, upserts: [session(3)], removes: [] } });
  await first.closed; // the agent cancelled the stream instead of applying version 3
  const second = await h.controller.accept();
  assert.equal(second.applied, 0, 'after a gap the agent asks for a snapshot');
  second.send({ snapshot: { version: 3, sessions: [session(1), session(3)] } });
  assert.deepEqual(outcome(await second.nextAck()), { version: 3, error: '' });
  assert.deepEqual(h.dataPlane.calls.map((c) => `${c.kind}:${c.version}`), ['snapshot:1', 'snapshot:3']);
  assert.equal(await metric(h.metrics.versionGaps), 1);
  assert.equal(await metric(h.metrics.reconnects), 1);
  assert.equal(first.up.length, 0, 'version 3 was never acked on the old stream');
});

test('after a reconnect the Hello names the version applied, and the deltas after it resume the stream without a snapshot', LIMIT, async (t) => {
  const h = await harness(t);
  const first = await h.controller.accept();
  assert.equal(first.applied, 0, 'a new process knows no version');
  first.send({ snapshot: { version: 4, sessions: [session(1)] } });
  await first.nextAck();
  first.send({ delta: { version: 5, upserts: [session(2)], removes: [] } });
  await first.nextAck();
  first.call.end();
  const second = await h.controller.accept();
  assert.equal(second.applied, 5);
  second.send({ delta: { version: 6, upserts: [], removes: ['s1'] } });
  assert.deepEqual(outcome(await second.nextAck()), { version: 6, error: '' });
  assert.deepEqual(h.dataPlane.calls.map((c) => `${c.kind}:${c.version}`), ['snapshot:4', 'delta:5', 'delta:6']);
  assert.deepEqual([...h.dataPlane.sessions.keys()], ['s2']);
  assert.equal(await metric(h.metrics.versionGaps), 0);
  // The resumed stream was healthy: the next reconnect starts the backoff over.
  second.call.end();
  const third = await h.controller.accept();
  assert.equal(third.applied, 6);
  assert.deepEqual(h.waits, [50, 50]);
});

test('after a failed apply the Hello says the version is unknown', LIMIT, async (t) => {
  const h = await harness(t);
  const first = await h.controller.accept();
  first.send({ snapshot: { version: 1, sessions: [session(1)] } });
  await first.nextAck();
  h.dataPlane.failNext = new Error('nft failed');
  first.send({ delta: { version: 2, upserts: [session(2)], removes: [] } });
  assert.match((await first.nextAck()).error, /nft failed/);
  first.call.end();
  assert.equal((await h.controller.accept()).applied, 0);
});

test('a repeated or older delta, and a delta before any snapshot, force a resync too', LIMIT, async (t) => {
  const h = await harness(t);
  const first = await h.controller.accept();
  first.send({ delta: { version: 1, upserts: [session(1)], removes: [] } });
  await first.closed;
  const second = await h.controller.accept();
  second.send({ snapshot: { version: 4, sessions: [] } });
  await second.nextAck();
  second.send({ delta: { version: 4, upserts: [session(1)], removes: [] } });
  await second.closed;
  await h.controller.accept();
  assert.deepEqual(h.dataPlane.calls.map((c) => `${c.kind}:${c.version}`), ['snapshot:4']);
  assert.equal(await metric(h.metrics.versionGaps), 2);
});

test('a failed apply is acked with the error; only a snapshot may follow it', LIMIT, async (t) => {
  const h = await harness(t);
  const stream = await h.controller.accept();
  stream.send({ snapshot: { version: 1, sessions: [session(1)] } });
  await stream.nextAck();
  h.dataPlane.failNext = new Error('nft: transaction refused');
  stream.send({ delta: { version: 2, upserts: [session(2)], removes: [] } });
  const ack = await stream.nextAck();
  assert.deepEqual(ack, { version: 2, applyUs: 0, error: 'applying delta version 2 failed: nft: transaction refused' });
  // The controller answers an error with a snapshot, which the agent applies on the same stream.
  stream.send({ snapshot: { version: 3, sessions: [session(2)] } });
  assert.deepEqual(outcome(await stream.nextAck()), { version: 3, error: '' });
  // After another failure, a delta cannot apply on an unknown state: resync.
  h.dataPlane.failNext = new Error('wg: boom');
  stream.send({ delta: { version: 4, upserts: [], removes: ['s2'] } });
  assert.match((await stream.nextAck()).error, /wg: boom/);
  stream.send({ delta: { version: 5, upserts: [], removes: [] } });
  await stream.closed;
  await h.controller.accept();
  assert.equal(await metric(h.metrics.applyErrors), 2);
  assert.equal(await metric(h.metrics.appliedVersion), 3);
});

test('invalid sessions are left out and counted, the rest acked, and no key is logged', LIMIT, async (t) => {
  const h = await harness(t);
  const stream = await h.controller.accept();
  const bad = session(2, { overlayAddress: 'not-an-ip' });
  stream.send({ snapshot: { version: 1, sessions: [session(1), bad] } });
  // Acked as applied: an error would make the controller resend the same snapshot forever.
  assert.deepEqual(outcome(await stream.nextAck()), { version: 1, error: '' });
  assert.deepEqual([...h.dataPlane.sessions.keys()], ['s1']);
  assert.equal(await metric(h.metrics.refusedSessions), 1);
  stream.send({ delta: { version: 2, upserts: [session(3)], removes: [] } });
  assert.deepEqual(outcome(await stream.nextAck()), { version: 2, error: '' });
  const logged = h.logs.join('');
  const refusedLine = h.logs.map((l) => JSON.parse(l) as { msg: string; refused?: string[] }).find((l) => l.msg === 'sessions refused: not enforced');
  assert.match(refusedLine?.refused?.[0] ?? '', /^session "s2" refused: overlayAddress/);
  assert.match(logged, /delta applied/);
  for (const n of [1, 2, 3]) assert.ok(!logged.includes(key(100 + n)), `preshared key of s${n} appears in the logs`);
});

test('reconnect delays follow the backoff schedule and restart after a synced stream', LIMIT, async (t) => {
  const h = await harness(t);
  // Three streams ended by the controller before any snapshot: the delays grow.
  for (let i = 0; i < 3; i++) (await h.controller.accept()).call.end();
  const synced = await h.controller.accept();
  synced.send({ snapshot: { version: 1, sessions: [] } });
  await synced.nextAck();
  synced.call.end();
  await h.controller.accept();
  // One controller: every failure completes a round. random() = 0.5 gives half of
  // min(max, base * 2^round) (full jitter): 50, 100, 200, then reset to 50.
  assert.deepEqual(h.waits, [50, 100, 200, 50]);
  assert.equal(await metric(h.metrics.reconnects), 4);
});

test('an unreachable controller is retried without touching the data plane', LIMIT, async (t) => {
  const controller = new FakeController();
  await controller.start();
  const port = controller.port;
  controller.server.forceShutdown(); // nothing listens on the port any more
  const dataPlane = new FakeDataPlane();
  const metrics = createGatewayMetrics();
  const waits: number[] = [];
  let thirdRetry!: () => void;
  const retriedThrice = new Promise<void>((resolve) => { thirdRetry = resolve; });
  const client = new (wicketV1().Gateway)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const agent = new SyncAgent({
    open: () => client.Sync() as SyncStream,
    dataPlane, hello: HELLO, log: createLogger('sync-test', { write: () => true } as unknown as NodeJS.WritableStream), metrics,
    backoff: { baseMs: 100, capMs: 400 }, random: () => 0.5,
    wait: async (ms) => {
      waits.push(ms);
      if (waits.length === 3) thirdRetry();
    },
  });
  t.after(() => client.close());
  agent.start();
  await retriedThrice;
  await agent.stop();
  assert.deepEqual(waits.slice(0, 3), [50, 100, 200]);
  assert.deepEqual(dataPlane.calls, []);
  assert.equal(await metric(metrics.syncConnected), 0);
});

test('with two controllers, an unreachable first one is skipped at once and a lost stream moves on', LIMIT, async (t) => {
  const closed = new FakeController();
  await closed.start();
  const closedPort = closed.port;
  closed.server.forceShutdown();
  const controller = new FakeController();
  await controller.start();
  const dataPlane = new FakeDataPlane();
  const waits: number[] = [];
  const opened: number[] = [];
  const clients = [closedPort, controller.port].map((port) => new (wicketV1().Gateway)(`127.0.0.1:${port}`, grpc.credentials.createInsecure()));
  const agent = new SyncAgent({
    open: (i) => {
      opened.push(i);
      return clients[i]!.Sync() as SyncStream;
    },
    controllers: 2,
    dataPlane, hello: HELLO, log: createLogger('sync-test', { write: () => true } as unknown as NodeJS.WritableStream), metrics: createGatewayMetrics(),
    backoff: { baseMs: 100, capMs: 400 }, random: () => 0.5,
    wait: async (ms) => {
      waits.push(ms);
    },
  });
  t.after(async () => {
    await agent.stop();
    for (const c of clients) c.close();
    controller.server.forceShutdown();
  });
  agent.start();
  // The first controller refuses the connection: the agent goes to the second without a wait.
  const first = await controller.accept();
  first.send({ snapshot: { version: 1, sessions: [session(1)] } });
  await first.nextAck();
  assert.deepEqual(opened, [0, 1]);
  assert.deepEqual(waits, [], 'no wait inside a round');
  // The second ends the stream: next in the list (the closed one), then a wait, then back.
  first.call.end();
  const second = await controller.accept();
  second.send({ snapshot: { version: 7, sessions: [session(1), session(2)] } });
  await second.nextAck();
  assert.deepEqual(opened, [0, 1, 0, 1]);
  assert.deepEqual(waits, [50]);
  assert.deepEqual([...dataPlane.sessions.keys()].sort(), ['s1', 's2']);
});

test('stop closes the stream and leaves the data plane as it is', LIMIT, async (t) => {
  const h = await harness(t);
  const stream = await h.controller.accept();
  stream.send({ snapshot: { version: 1, sessions: [session(1)] } });
  await stream.nextAck();
  await h.agent.stop();
  await stream.closed;
  assert.equal(h.dataPlane.closed, false);
  assert.deepEqual([...h.dataPlane.sessions.keys()], ['s1']);
  assert.equal(await metric(h.metrics.syncConnected), 0);
  assert.equal(h.controller.streams.length, 0, 'no reconnect after stop');
});

test('the observer sees each applied version before its ack: config, the sessions taken, refusals as removals, only removals after a failure', LIMIT, async (t) => {
  const seen: AppliedChange[] = [];
  let release: (() => void) | undefined;
  const h = await harness(t, {
    applied: async (c) => {
      seen.push(c);
      if (seen.length === 1) await new Promise<void>((r) => { release = r; });
    },
  });
  const stream = await h.controller.accept();
  const config = { serviceAddress: '100.127.255.254', httpResources: [], signingKey: null, issuer: 'iss', controllerJwks: '', signInUrl: '' };
  stream.send({ snapshot: { version: 1, sessions: [session(1), session(2, { wgPublicKey: 'bad' })], config } });
  while (!release) await new Promise((r) => setTimeout(r, 5));
  assert.equal(stream.up.length, 0, 'acked before the observer finished');
  release();
  assert.equal((await stream.nextAck()).version, 1);
  assert.deepEqual([seen[0]!.kind, seen[0]!.applied, seen[0]!.sessions.map((s) => s.id), seen[0]!.config?.serviceAddress], ['snapshot', true, ['s1'], '100.127.255.254']);
  stream.send({ delta: { version: 2, upserts: [session(3, { wgPublicKey: 'bad' })], removes: ['s1'] } });
  await stream.nextAck();
  assert.deepEqual([seen[1]!.sessions, seen[1]!.removes.sort(), seen[1]!.config], [[], ['s1', 's3'], null]);
  h.dataPlane.failNext = new Error('boom');
  stream.send({ delta: { version: 3, upserts: [session(4)], removes: ['s9'] } });
  await stream.nextAck();
  assert.deepEqual([seen[2]!.applied, seen[2]!.removes], [false, ['s9']]);
});
