// Integration tests of the identity-aware proxy without root: the proxy on loopback, a local
// upstream that echoes what it receives and serves a websocket, and a callers table mapping
// 127.0.0.1 to a session. Each security property is shown by a real request.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { exportPKCS8, exportSPKI, generateKeyPair, importSPKI, jwtVerify } from 'jose';
import { WebSocket, WebSocketServer } from 'ws';
import { createLogger } from '../../common/log.js';
import type { HttpRequestRecord__Output as HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';
import type { Caller, GrantRule } from './callers.js';
import { loadProxyConfig } from './config.js';
import { IdentityProxy } from './proxy.js';

const silent = createLogger('proxy-test', { write: () => true } as unknown as NodeJS.WritableStream);
const HOST = 'wiki.corp.example';
const ISSUER = 'https://controller.test';

interface Seen { method: string; url: string; headers: IncomingHttpHeaders; rawHeaders: string[] }

/** The upstream: echoes each request as JSON, holds /poll open, serves a websocket at any path. */
async function startUpstream(t: TestContext): Promise<{ port: number; seen: Seen[]; polls: Set<import('node:http').ServerResponse>; wsClosed: Promise<void>[]; wss: WebSocketServer }> {
  const seen: Seen[] = [];
  const polls = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders });
      if (req.url!.startsWith('/docs/poll')) {
        polls.add(res);
        res.on('close', () => polls.delete(res));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' }).end(JSON.stringify({ url: req.url, body: Buffer.concat(chunks).toString() }));
    });
  });
  const wss = new WebSocketServer({ server });
  const wsClosed: Promise<void>[] = [];
  wss.on('connection', (ws, req) => {
    seen.push({ method: 'WS', url: req.url!, headers: req.headers, rawHeaders: req.rawHeaders });
    wsClosed.push(new Promise((resolve) => ws.on('close', () => resolve())));
    ws.on('message', (m) => ws.send(`echo:${m.toString()}`));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const c of wss.clients) c.terminate();
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, seen, polls, wsClosed, wss };
}

const rule = (grant: string, methods: string[], paths: string[], expiresAtMs = Date.now() + 3_600_000): GrantRule => ({ grant, methods, paths, expiresAtMs });

function alice(rules: GrantRule[], address = '127.0.0.1'): Caller {
  return { sessionId: 'sess-alice', overlayAddress: address, user: 'alice', groups: ['engineering'], deviceId: 'dev-1', grants: new Map([['wiki', rules]]) };
}

async function setup(t: TestContext, opts: { upstreamPort?: number } = {}) {
  const upstream = await startUpstream(t);
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  const records: HttpRequestRecord[] = [];
  const counts: string[] = [];
  const proxy = new IdentityProxy({ log: silent, onRecord: (r) => records.push(r), onCount: (res, status) => counts.push(`${res}:${status}`) });
  const config = await loadProxyConfig({
    serviceAddress: '100.127.255.254', serviceAddressIpv6: '', issuer: ISSUER, controllerJwks: '', signInUrl: '',
    httpResources: [{ name: 'wiki', upstream: `http://127.0.0.1:${opts.upstreamPort ?? upstream.port}`, hostname: 'Wiki.Corp.Example', public: false }],
    signingKey: { kid: 'gw-key-1', privateKeyPem: pem },
  }, undefined);
  proxy.setConfig(config);
  proxy.replaceSessions([alice([rule('eng-wiki-read', ['GET', 'HEAD'], ['/docs/*', '/docs/poll/**'])])]);
  const { port } = await proxy.listen('127.0.0.1', 0);
  t.after(() => proxy.close());
  const publicPem = await exportSPKI(publicKey);
  return { proxy, port, upstream, records, counts, publicKey: await importSPKI(publicPem, 'ES256') };
}

interface Answer { status: number; headers: IncomingHttpHeaders; body: string }

function get(port: number, path: string, o: { method?: string; headers?: string[]; body?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = ['Host', o.host ?? `${HOST}:80`, ...(o.headers ?? [])];
    if (o.body !== undefined) headers.push('Content-Length', String(Buffer.byteLength(o.body)));
    const req = httpRequest({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const settle = () => new Promise((r) => setImmediate(r));

test('an allowed GET reaches the upstream with an assertion that verifies, and forwarded headers', async (t) => {
  const { port, upstream, records, counts, publicKey } = await setup(t);
  const res = await get(port, '/docs/a?x=1&y=%2F');
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-upstream'], 'yes');
  assert.equal(JSON.parse(res.body).url, '/docs/a?x=1&y=%2F');
  const seen = upstream.seen.at(-1)!;
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(seen.headers['x-forwarded-host'], `${HOST}:80`);
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  const { payload, protectedHeader } = await jwtVerify(seen.headers['x-wicket-assertion'] as string, publicKey, { issuer: ISSUER, audience: 'wiki', algorithms: ['ES256'] });
  assert.equal(protectedHeader.kid, 'gw-key-1');
  assert.equal(payload.sub, 'alice');
  assert.deepEqual(payload.groups, ['engineering']);
  assert.equal(payload.sid, 'sess-alice');
  assert.equal(payload.device, 'dev-1');
  assert.equal(payload.exp! - payload.iat!, 60);
  await settle();
  const rec = records.at(-1)!;
  assert.deepEqual({ ...rec, startedAtMs: 0, durationUs: 0, bytesOut: rec.bytesOut > 0 }, {
    sessionId: 'sess-alice', resource: 'wiki', method: 'GET', hostname: HOST, path: '/docs/a', status: 200, bytesIn: 0, bytesOut: true,
    startedAtMs: 0, durationUs: 0, username: 'alice', deviceId: 'dev-1', deniedReason: '', tunnel: true,
  });
  assert.deepEqual(counts, ['wiki:200']);
});

test('the assertion is reused for the same session and resource', async (t) => {
  const { port, upstream } = await setup(t);
  await get(port, '/docs/a');
  await get(port, '/docs/b');
  const [a, b] = upstream.seen.slice(-2).map((s) => s.headers['x-wicket-assertion']);
  assert.equal(a, b);
});

test('a method no grant allows gets 403 naming the method, and never reaches the upstream', async (t) => {
  const { port, upstream, records } = await setup(t);
  const res = await get(port, '/docs/a', { method: 'POST', body: 'hello' });
  assert.equal(res.status, 403);
  assert.match(res.body, /no grant allows method POST on wiki \(allowed: GET, HEAD\)/);
  assert.equal(upstream.seen.length, 0);
  await settle();
  assert.equal(records.at(-1)!.status, 403);
  assert.match(records.at(-1)!.deniedReason, /method POST/);
});

test('a path no grant allows gets 403 naming the path', async (t) => {
  const { port, upstream } = await setup(t);
  const res = await get(port, '/admin');
  assert.equal(res.status, 403);
  assert.match(res.body, /no grant allows GET \/admin on wiki \(allowed paths for GET: \/docs\/\*, \/docs\/poll\/\*\*\)/);
  assert.equal(upstream.seen.length, 0);
});

test('a source that is not a known session gets 403, recorded without a session', async (t) => {
  const { port, proxy, upstream, records } = await setup(t);
  proxy.replaceSessions([alice([rule('g', [], [])], '100.64.0.9')]);
  const res = await get(port, '/docs/a');
  assert.equal(res.status, 403);
  assert.match(res.body, /127\.0\.0\.1 is not a session of this gateway/);
  assert.equal(upstream.seen.length, 0);
  await settle();
  assert.equal(records.at(-1)!.sessionId, '');
  assert.equal(records.at(-1)!.status, 403);
});

test('a forged X-Wicket-Assertion, in any spelling or number, never reaches the upstream', async (t) => {
  const { port, upstream, publicKey } = await setup(t);
  const forged = ['X-Wicket-Assertion', 'forged-1', 'x-wicket-assertion', 'forged-2', 'X-WICKET-ASSERTION', 'forged-3', 'x-WiCkEt-AsSeRtIoN', 'forged-4',
    'X-Forwarded-For', '10.9.9.9', 'Connection', 'X-Other', 'X-Other', 'dropped'];
  const res = await get(port, '/docs/a', { headers: forged });
  assert.equal(res.status, 200);
  const seen = upstream.seen.at(-1)!;
  const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  assert.equal(names.filter((n) => n === 'x-wicket-assertion').length, 1);
  assert.ok(!seen.rawHeaders.some((v) => v.startsWith('forged')));
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(seen.headers['x-other'], undefined);
  await jwtVerify(seen.headers['x-wicket-assertion'] as string, publicKey, { issuer: ISSUER, audience: 'wiki' });
});

test('dot segments never escape a path rule, and hidden separators are refused', async (t) => {
  const { port, upstream } = await setup(t);
  for (const p of ['/docs/../admin', '/docs/%2e%2e/admin', '/docs/a/../../admin', '/docs/./../admin']) {
    const res = await get(port, p);
    assert.equal(res.status, 403, p);
    assert.match(res.body, /GET \/admin/, p);
  }
  for (const p of ['/docs/..%2fadmin', '/docs/a%5c..%5c..%5cadmin', '/../docs/a']) {
    assert.equal((await get(port, p)).status, 400, p);
  }
  assert.equal(upstream.seen.length, 0);
  // An allowed path is forwarded in its canonical form: what was checked is what is asked.
  assert.equal((await get(port, '/x/../docs//./a')).status, 200);
  assert.equal(upstream.seen.at(-1)!.url, '/docs/a');
});

test('an unknown host gets 404, with the name escaped in the page', async (t) => {
  const { port, records } = await setup(t);
  const res = await get(port, '/docs/a', { host: '<b>evil' });
  assert.equal(res.status, 404);
  assert.ok(res.body.includes('&lt;b&gt;evil'));
  assert.ok(!res.body.includes('<b>evil'));
  await settle();
  assert.equal(records.at(-1)!.status, 404);
});

test('an unreachable upstream gets 502, recorded', async (t) => {
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const deadPort = (closed.address() as AddressInfo).port;
  closed.close();
  const { port, records } = await setup(t, { upstreamPort: deadPort });
  const res = await get(port, '/docs/a');
  assert.equal(res.status, 502);
  await settle();
  assert.equal(records.at(-1)!.status, 502);
});

test('a request body is streamed to the upstream and counted', async (t) => {
  const { port, proxy, records } = await setup(t);
  proxy.upsertSessions([alice([rule('w', ['POST'], ['/docs/*'])])]);
  const res = await get(port, '/docs/a', { method: 'POST', body: 'x'.repeat(100_000) });
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body).body.length, 100_000);
  await settle();
  assert.equal(records.at(-1)!.bytesIn, 100_000);
});

async function openWs(port: number, path: string, t: TestContext): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { Host: HOST } });
  t.after(() => ws.terminate());
  await once(ws, 'open');
  ws.send('ping');
  const [msg] = await once(ws, 'message') as [Buffer];
  assert.equal(msg.toString(), 'echo:ping');
  return ws;
}

test('a websocket is forwarded with the assertion; removing the session closes it and a pending long poll at once', async (t) => {
  const { port, proxy, upstream, records, publicKey } = await setup(t);
  const ws = await openWs(port, '/docs/ws', t);
  const wsSeen = upstream.seen.find((s) => s.method === 'WS')!;
  await jwtVerify(wsSeen.headers['x-wicket-assertion'] as string, publicKey, { issuer: ISSUER, audience: 'wiki' });
  const poll = get(port, '/docs/poll/1').then(() => 'answered', () => 'cut');
  while (upstream.polls.size === 0) await new Promise((r) => setTimeout(r, 5));
  assert.equal(proxy.connections('sess-alice'), 2);
  const closed = once(ws, 'close');
  proxy.removeSessions(['sess-alice']);
  assert.equal(proxy.connections('sess-alice'), 0);
  await closed;
  assert.equal(await poll, 'cut');
  await upstream.wsClosed[0];
  while (upstream.polls.size > 0) await new Promise((r) => setTimeout(r, 5));
  await settle();
  const wsRecord = records.find((r) => r.status === 101)!;
  assert.equal(wsRecord.path, '/docs/ws');
  assert.ok(wsRecord.bytesIn > 0 && wsRecord.bytesOut > 0);
});

test('narrowing a grant closes the websocket it no longer allows, and keeps what is still allowed', async (t) => {
  const { port, proxy } = await setup(t);
  const ws = await openWs(port, '/docs/ws', t);
  const other = await openWs(port, '/docs/other', t);
  let otherClosed = false;
  other.on('close', () => { otherClosed = true; });
  const closed = once(ws, 'close');
  proxy.upsertSessions([alice([rule('eng-wiki-read', ['GET'], ['/docs/other'])])]);
  await closed;
  other.send('still');
  const [msg] = await once(other, 'message') as [Buffer];
  assert.equal(msg.toString(), 'echo:still');
  assert.equal(otherClosed, false);
});

test('losing every grant on the resource closes idle keep-alive connections too', async (t) => {
  const { port, proxy } = await setup(t);
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const first = await new Promise<import('node:net').Socket>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/docs/a', headers: { Host: HOST }, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(req.socket!));
    });
    req.on('error', reject);
    req.end();
  });
  await settle();
  assert.equal(proxy.connections('sess-alice'), 1);
  const closed = once(first, 'close');
  proxy.upsertSessions([{ ...alice([]), grants: new Map() }]);
  await closed;
  assert.equal(proxy.connections('sess-alice'), 0);
});

test('an expired grant allows nothing', async (t) => {
  const { port, proxy } = await setup(t);
  proxy.upsertSessions([alice([rule('old', [], [], Date.now() - 1)])]);
  const res = await get(port, '/docs/a');
  assert.equal(res.status, 403);
  assert.match(res.body, /no grant gives you wiki/);
});

test('a websocket ends when the grant that allowed it expires', async (t) => {
  const { port, proxy } = await setup(t);
  proxy.upsertSessions([alice([rule('short', ['GET'], ['/docs/*'], Date.now() + 300)])]);
  const ws = await openWs(port, '/docs/ws', t);
  await once(ws, 'close');
  assert.equal(proxy.connections('sess-alice'), 0);
});
