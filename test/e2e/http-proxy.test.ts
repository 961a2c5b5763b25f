// The identity-aware proxy end to end in network namespaces: a real gateway (wireguard-go,
// nft, its proxy on the service address), a real upstream in the resource LAN that echoes
// what it receives and serves a websocket, and clients through the tunnel. Alice's allowed
// request reaches the upstream with an assertion that verifies against the controller's JWKS;
// a method or a path her grant lacks gets 403 naming it; bob, whose only grant is another
// HTTP resource, gets 403 for hers; carol, with no HTTP grant, cannot even open a connection
// to the proxy, nor can anyone reach another port of the gateway through the service address;
// a forged assertion never reaches the upstream; a revoked session's websocket and long poll
// close at once; and every request is a record in `wicketctl flows --http`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { ADDR, httpRequest, startServer, startWebSocket, tcpConnect, type HttpAnswer, type Program } from '../../scripts/topology/index.js';
import { eventually, WicketSystem } from '../../scripts/topology/system.js';

const UPSTREAM_PORT = 8080;
const METRICS_PORT = 9464;
/** A port something listens on at the gateway host (not the proxy). */
const HOST_PORT = 2222;
const WIKI = 'wiki.corp.example';
const GRAFANA = 'grafana.corp.example';

const POLICY = `gateways: [dc1]
groups:
  engineering: [alice]
resources:
  wiki:
    http: { upstream: "http://${ADDR.r1}:${UPSTREAM_PORT}", hostname: ${WIKI} }
    gateway: dc1
  grafana:
    http: { upstream: "http://${ADDR.r1}:${UPSTREAM_PORT}", hostname: ${GRAFANA} }
    gateway: dc1
  echo: { address: ${ADDR.r2}, ports: [tcp/7001], gateway: dc1 }
grants:
  - name: eng-wiki-read
    to: [group:engineering]
    resources: [wiki]
    http: { methods: [GET, HEAD], paths: ["/docs/*", "/ws", "/poll"] }
  - name: bob-grafana
    to: [bob]
    resources: [grafana]
  - name: carol-echo
    to: [carol]
    resources: [echo]
tests:
  - user: alice
    allow: [wiki:GET/docs/a]
    deny: [wiki:POST/docs/a, wiki:GET/admin, grafana]
`;

interface Echoed { method: string; url: string; headers: Record<string, string | string[]> }
interface SessionView { id: string; username: string; state: string; entitlements: { resource: string; destination: string; http: { hostname: string } | null }[] }

describe('identity-aware HTTP proxy end to end', { timeout: 600_000 }, () => {
  let sys: WicketSystem;
  let upstream: Program;
  let service = '';
  let aliceSession = '';

  const through = (role: string, host: string, path: string, opts: { method?: string; headers?: Record<string, string | string[]> } = {}): Promise<HttpAnswer> =>
    httpRequest(sys.topo, role, `http://${service}${path}`, { method: opts.method, headers: { host, ...opts.headers } });
  const echoed = (a: HttpAnswer): Echoed => JSON.parse(a.body ?? '{}') as Echoed;
  const jwks = async (): Promise<JSONWebKeySet> => {
    const a = await httpRequest(sys.topo, 'ctl', `http://127.0.0.1:${METRICS_PORT}/.well-known/jwks.json`);
    assert.equal(a.status, 200, `JWKS: ${JSON.stringify(a)}`);
    return JSON.parse(a.body!) as JSONWebKeySet;
  };

  before(async () => {
    sys = await WicketSystem.create('wicket-proxy-');
    upstream = await startServer(sys.topo, 'r1', 'http-echo', UPSTREAM_PORT);
    sys.servers.push(upstream);
    sys.servers.push(await startServer(sys.topo, 'r2', 'tcp-echo', 7001), await startServer(sys.topo, 'gw', 'tcp-echo', HOST_PORT));
    await sys.initController();
    await sys.startController(['--metrics-listen', `127.0.0.1:${METRICS_PORT}`, '--heartbeat-interval', '1s', '--heartbeat-timeout', '30s']);
    for (const u of ['alice', 'bob', 'carol']) await sys.addUser(u);
    await sys.applyPolicy(POLICY);
    await sys.enrollGateway();
    await sys.startGateway();
    await sys.login('c1', 'alice');
    aliceSession = (await sys.up('c1', 'alice', 'a')).session.id;
    await sys.login('c2', 'bob');
    await sys.up('c2', 'bob', 'b');
    const sessions = await sys.wicketctlJson<SessionView[]>(['session', 'list']);
    const wiki = sessions.find((s) => s.id === aliceSession)!.entitlements.find((e) => e.resource === 'wiki');
    assert.ok(wiki?.http, `alice's session has the wiki entitlement: ${JSON.stringify(sessions)}`);
    service = wiki.destination.replace(/\/32$/, '');
  });

  after(() => sys?.cleanup());

  test('an allowed request reaches the upstream with an assertion that verifies against the JWKS', async () => {
    const a = await through('c1', WIKI, '/docs/a?x=1');
    assert.equal(a.status, 200, JSON.stringify(a));
    const seen = echoed(a);
    assert.equal(seen.url, '/docs/a?x=1');
    const token = seen.headers['x-wicket-assertion'];
    assert.equal(typeof token, 'string', 'one assertion header');
    const { payload, protectedHeader } = await jwtVerify(token as string, createLocalJWKSet(await jwks()), { audience: 'wiki', algorithms: ['ES256'] });
    assert.equal(payload.sub, 'alice');
    assert.equal(payload.sid, aliceSession);
    assert.deepEqual(payload.groups, ['engineering']);
    assert.ok(typeof payload.device === 'string' && payload.device.length > 0);
    assert.ok(payload.exp! - payload.iat! <= 60, 'lives at most 60 s');
    assert.ok(protectedHeader.kid);
  });

  test('a method or a path the grant lacks gets 403 naming it; the upstream never sees it', async () => {
    const before = upstream.events.length;
    const post = await through('c1', WIKI, '/docs/a', { method: 'POST' });
    assert.equal(post.status, 403);
    assert.match(post.body!, /POST/);
    const admin = await through('c1', WIKI, '/admin');
    assert.equal(admin.status, 403);
    assert.match(admin.body!, /\/admin/);
    const climb = await through('c1', WIKI, '/docs/../admin');
    assert.notEqual(climb.status, 200, 'a dot segment cannot climb out of /docs/*');
    assert.equal(upstream.events.slice(before).filter((e) => e.request).length, 0, 'nothing denied reached the upstream');
  });

  test('bob, whose grant is another HTTP resource, gets 403 for the wiki', async () => {
    const bob = await through('c2', WIKI, '/docs/a');
    assert.equal(bob.status, 403);
    assert.match(bob.body!, /wiki/);
    const own = await through('c2', GRAFANA, '/anything');
    assert.equal(own.status, 200, 'his own grant works');
    assert.equal(echoed(own).headers['x-wicket-assertion'] !== undefined, true);
  });

  test('the service address opens no other port of the gateway host', async () => {
    // A listener on the gateway host: a refusal would mean the packet got through.
    assert.equal(await tcpConnect(sys.topo, 'r1', ADDR.gwLan, HOST_PORT), 'connected', 'the listener answers on the gateway');
    assert.equal(await tcpConnect(sys.topo, 'c1', service, HOST_PORT), 'timeout', 'dropped, not refused');
    assert.equal(await tcpConnect(sys.topo, 'c1', service, 22), 'timeout');
  });

  test('a forged assertion from alice never reaches the upstream', async () => {
    const forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.';
    const a = await through('c1', WIKI, '/docs/b', { headers: { 'X-Wicket-Assertion': [forged, forged] } });
    assert.equal(a.status, 200, JSON.stringify(a));
    const got = echoed(a).headers['x-wicket-assertion'];
    assert.equal(typeof got, 'string', 'exactly one assertion arrives');
    assert.notEqual(got, forged);
    assert.equal(decodeProtectedHeader(got as string).alg, 'ES256');
    assert.ok(!JSON.stringify(echoed(a).headers).includes(forged), 'the forged value is nowhere in what the upstream got');
  });

  test('a grant narrowed under an open websocket closes it at once; other requests go on', async () => {
    const ws = await startWebSocket(sys.topo, 'c1', `ws://${service}/ws`, WIKI);
    await ws.waitForEchoes(5, 10_000);
    await sys.applyPolicy(POLICY.replace('"/ws", ', ''));
    await ws.until((ev) => ev.some((e) => typeof e.closed === 'number'), 10_000, 'the websocket closes');
    assert.equal((await through('c1', WIKI, '/docs/a')).status, 200, 'what the grant still allows works');
    assert.equal((await through('c1', WIKI, '/ws')).status, 403);
    await sys.applyPolicy(POLICY);
  });

  test('revoking the session closes her websocket and long poll at once, toward the upstream too', async () => {
    const ws = await startWebSocket(sys.topo, 'c1', `ws://${service}/ws`, WIKI);
    await ws.waitForEchoes(5, 10_000);
    const poll = through('c1', WIKI, '/poll');
    await upstream.until((ev) => ev.some((e) => (e.request as Echoed | undefined)?.url === '/poll'), 10_000, 'the long poll reached the upstream');
    const closedBefore = upstream.events.filter((e) => typeof e.wsClosed === 'number').length;
    const t0 = Date.now();
    await sys.wicketctl(['session', 'revoke', aliceSession, '--reason', 'proxy e2e']);
    // The tunnel is gone too, so the client cannot be told: the proxy closes both sides it
    // holds, and the upstream sees the websocket and the long poll end.
    await upstream.until((ev) => ev.filter((e) => typeof e.wsClosed === 'number').length > closedBefore, 10_000, 'the upstream websocket closes');
    await upstream.until((ev) => ev.some((e) => typeof e.pollClosed === 'number'), 10_000, 'the long poll is closed toward the upstream');
    const closedAt = Number(upstream.events.filter((e) => typeof e.wsClosed === 'number').at(-1)!.wsClosed);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ws.echoesSince(closedAt + 50), 0, 'no echo after the close');
    ws.stop();
    await poll;
    // Reported, not asserted: the latency goes to bench/ figures.
    process.stdout.write(`# revoke -> upstream websocket closed: ${closedAt - t0} ms (includes the wicketctl process)\n`);
    assert.notEqual((await through('c1', WIKI, '/docs/a')).status, 200, 'no request after the revocation');
  });

  test('carol, with no HTTP grant, cannot open a connection to the proxy', async () => {
    await sys.wicket('c1', 'alice', ['down']);
    await sys.login('c1', 'carol');
    const { interface: ifname } = await sys.up('c1', 'carol', 'c');
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR.r2, 7001), 'connected', 'her own grant works');
    // She widens her own WireGuard config and routes the service address into the tunnel.
    const gwKey = (await sys.topo.exec('c1', 'wg', ['show', ifname, 'peers'])).trim();
    await sys.topo.exec('c1', 'wg', ['set', ifname, 'peer', gwKey, 'allowed-ips', '0.0.0.0/0']);
    await sys.topo.exec('c1', 'ip', ['route', 'replace', `${service}/32`, 'dev', ifname]);
    assert.equal(await tcpConnect(sys.topo, 'c1', service, 80), 'timeout', 'no packet of hers reaches the proxy');
  });

  test('every request is a record in wicketctl flows --http', async () => {
    type Row = { method: string; hostname: string; path: string; status: number; username: string; deniedReason: string; tunnel: boolean };
    await eventually(async () => {
      const rows = (await sys.wicketctlJson<{ httpRequests: { request: Row }[] }>(['flows', '--http'])).httpRequests.map((v) => v.request);
      return rows.some((r) => r.username === 'alice' && r.method === 'GET' && r.path === '/docs/a' && r.status === 200 && r.tunnel)
        && rows.some((r) => r.username === 'alice' && r.method === 'POST' && r.status === 403 && /POST/.test(r.deniedReason))
        && rows.some((r) => r.username === 'bob' && r.hostname === WIKI && r.status === 403);
    }, 30_000, 'the requests appear in flows --http');
  });
});
