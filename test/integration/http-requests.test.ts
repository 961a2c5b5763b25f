// HTTP request records end to end in the controller: an enrolled gateway reports requests
// through its proxy (and refused ones as denied attempts with protocol "http") on its real
// Report stream; Admin.ListFlows lists them with the flow filters, and `wicketctl flows
// --http` prints them (table and JSON) through the real Admin API. A gateway cannot write
// requests into sessions it does not serve nor blame them on another user, and refused
// requests count toward the probe detection like refused packets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { apiClients, call, type ClientCredentials } from '../../common/grpc.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { telemetryModule } from '../../controller/telemetry/module.js';
import type { HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';
import { addUser, enrollGateway, startTestController, type TestController } from './harness.js';

const LAPTOP = '1'.repeat(32);
const PHONE = '2'.repeat(32);
const HOST = 'wiki.corp.example';
/** A hostname of the full 253 characters: a refused request's destination. */
const LONG_HOST = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
const wicketctl = fileURLToPath(new URL('../../controller/cli/wicketctl.js', import.meta.url));

let t: TestController;
let dc1: ClientCredentials;
let now: number;

before(async () => {
  t = await startTestController({ modules: [sessionModule(), telemetryModule()] });
  await addUser(t, 'alice', 'pw-alice quartz tram');
  await addUser(t, 'bob', 'pw-bob quartz tram');
  dc1 = await enrollGateway(t, 'dc1');
  await enrollGateway(t, 'dc2');
  now = t.now();
  const { sessions } = t.controller.ctx.store;
  const add = (id: string, user: string, deviceId: string, n: number) => sessions.insert({
    id, user, deviceId, certSerial: `c${n}`, overlayAddress: `100.64.0.${n + 2}`, wgPublicKey: `key${n}`, posture: {} as never, mfa: true,
    createdAtMs: now - 1000, expiresAtMs: now + 3_600_000, entitlements: [], lastHeartbeatMs: now,
  });
  // dc1 serves alice's a1 and a2 and bob's b1; dc2 serves bob's b2.
  await add('a1', 'alice', LAPTOP, 1);
  await add('a2', 'alice', LAPTOP, 2);
  await add('b1', 'bob', PHONE, 3);
  await add('b2', 'bob', PHONE, 4);
  for (const id of ['a1', 'a2', 'b1']) await sessions.addGateway(id, 'dc1', Buffer.alloc(1));
  await sessions.addGateway('b2', 'dc2', Buffer.alloc(1));
});

after(async () => {
  await t?.stop();
});

/** Sends one batch on the gateway's Report stream; resolves with the acked seq. */
function report(creds: ClientCredentials, batch: object): Promise<number> {
  const api = apiClients(t.api, creds);
  return new Promise<number>((resolve, reject) => {
    const stream = api.gateway.Report();
    stream.on('data', (ack: { seq: number }) => { resolve(ack.seq); stream.end(); });
    stream.on('error', reject);
    stream.write({ collectedAtMs: t.now(), peers: [], counters: [], denied: [], flows: [], httpRequests: [], droppedRecords: 0, ...batch });
  }).finally(() => api.close());
}

const request = (startedAtMs: number, over: HttpRequestRecord = {}): HttpRequestRecord => ({
  sessionId: 'a1', resource: 'wiki', method: 'GET', hostname: HOST, path: '/docs/a', status: 200, bytesIn: 0, bytesOut: 2048,
  startedAtMs, durationUs: 1800, username: 'alice', deviceId: LAPTOP, deniedReason: '', tunnel: true, ...over,
});
/** A refused request as the gateway aggregates it: per source (the session's overlay address), hostname and first sight. */
const refusal = (sessionId: string, destination: string, count: number, lastSeenMs = now - 4000) => ({
  sessionId, source: `100.64.0.${{ a1: 3, a2: 4, b1: 5 }[sessionId]}`, destination, protocol: 'http', port: 80, count, firstSeenMs: lastSeenMs - 1000, lastSeenMs,
});

async function ctl(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [wicketctl, '--controller', t.api, '--credentials', join(t.dir, 'data', 'admin'), ...args],
    { env: { ...process.env, WICKET_LOG_LEVEL: 'warn' } });
  return stdout;
}

test('a gateway\'s HTTP requests are stored with its batch and listed newest first with the flow filters', async () => {
  assert.equal(await report(dc1, {
    seq: 1,
    httpRequests: [
      request(now - 9000),
      request(now - 8000, { method: 'POST', status: 403, bytesOut: 900, deniedReason: 'no rule allows method POST on wiki' }),
      // bob's session, but the gateway says alice: listed as bob's.
      request(now - 7000, { sessionId: 'b1', path: '/admin', status: 403, deniedReason: 'no rule allows path /admin on wiki' }),
      // A browser without the tunnel has no session; it stays, as the gateway attributed it.
      request(now - 6000, { sessionId: '', tunnel: false, deviceId: '', path: '/docs/b' }),
      // dc2's session: dropped.
      request(now - 5000, { sessionId: 'b2', username: 'bob', deviceId: PHONE, path: '/forged' }),
    ],
    denied: [refusal('a1', HOST, 1), refusal('b1', LONG_HOST, 1)],
  }), 1);

  const all = await call(t.admin.admin, 'ListFlows', { http: true });
  assert.deepEqual(all.httpRequests.map((v) => [v.request!.path, v.request!.method, v.request!.username, v.request!.sessionId, v.gateway]), [
    ['/docs/b', 'GET', 'alice', '', 'dc1'],
    ['/admin', 'GET', 'bob', 'b1', 'dc1'],
    ['/docs/a', 'POST', 'alice', 'a1', 'dc1'],
    ['/docs/a', 'GET', 'alice', 'a1', 'dc1'],
  ]);
  assert.deepEqual(all.httpRequests[1]!.request, { ...request(now - 7000, { sessionId: 'b1', path: '/admin', status: 403,
    deniedReason: 'no rule allows path /admin on wiki' }), username: 'bob', deviceId: PHONE });
  assert.deepEqual(all.denied.map((d) => [d.attempt!.destination, d.attempt!.protocol, d.attempt!.port, d.username]).sort(),
    [[LONG_HOST, 'http', 80, 'bob'], [HOST, 'http', 80, 'alice']]);

  const paths = async (req: object) => (await call(t.admin.admin, 'ListFlows', { http: true, ...req })).httpRequests.map((v) => v.request!.path);
  assert.deepEqual(await paths({ user: 'alice' }), ['/docs/b', '/docs/a', '/docs/a']);
  assert.deepEqual(await paths({ deviceId: PHONE }), ['/admin']);
  assert.deepEqual(await paths({ sessionId: 'a1', limit: 1, offset: 1 }), ['/docs/a']);
  assert.deepEqual(await paths({ sinceMs: now - 7500 }), ['/docs/b', '/admin']);
  assert.deepEqual((await call(t.admin.admin, 'ListFlows', {})).httpRequests, [], 'only when asked for');
});

test('wicketctl flows --http prints the requests with the refusal reason; --json holds them; without --http nothing changes', async () => {
  const table = await ctl(['flows', '--http', '--user', 'alice']);
  const section = table.slice(table.indexOf('HTTP REQUESTS'));
  assert.match(section, /^HTTP REQUESTS\nSTARTED +USER +DEVICE +METHOD +HOSTNAME +PATH +STATUS +BYTES IN +BYTES OUT +DURATION +DENIED REASON\n/);
  assert.match(section, /alice +111111111111 +POST +wiki\.corp\.example +\/docs\/a +403 +0 +900 +1\.8 ms +no rule allows method POST on wiki\n/);
  assert.equal(section.trimEnd().split('\n').length, 5, section);

  const json = JSON.parse(await ctl(['flows', '--http', '--json', '--device', PHONE])) as { httpRequests: { request: Record<string, unknown>; gateway: string }[] };
  assert.deepEqual(Object.keys(json), ['flows', 'denied', 'httpRequests']);
  assert.deepEqual(json.httpRequests.map((v) => [v.request.path, v.request.status, v.request.deniedReason, v.request.tunnel, v.gateway]),
    [['/admin', 403, 'no rule allows path /admin on wiki', true, 'dc1']]);

  assert.deepEqual(Object.keys(JSON.parse(await ctl(['flows', '--json'])) as object), ['flows', 'denied']);
  assert.doesNotMatch(await ctl(['flows']), /HTTP REQUESTS/);
});

test('refused HTTP requests count toward the probe detection: a session past the threshold is revoked, one below is not', async () => {
  const { sessions } = t.controller.ctx.store;
  // The default threshold is 20 attempts within 10 s (of the controller's clock: reports older than that do not count).
  const at = t.now();
  assert.equal(await report(dc1, { seq: 2, denied: [refusal('a2', HOST, 25, at), refusal('a1', HOST, 3, at)] }), 2);
  assert.equal((await sessions.get('a2'))!.state, 'revoked');
  assert.match((await sessions.get('a2'))!.endReason, /probing: 25 denied attempts/);
  assert.equal((await sessions.get('a1'))!.state, 'active');
});
