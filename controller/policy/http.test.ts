// Table tests of HTTP resources in the policy: what parses (and compiles to what), every
// kind of mistake with the line and path naming its place, and evaluation: one entitlement
// per grant to the gateway's proxy with the grant's request rules, and `require.tunnel`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_POSTURE, evaluate, parsePolicy, resourcesOf, type Policy, type Subject } from './index.js';
import { editLines, testRejections, type RejectionCase } from '../../test/support/policies.js';

const BASE = `groups:
  engineering: [alice, bob]
resources:
  wiki:
    http: { upstream: "http://10.20.0.10:8080", hostname: wiki.corp.example }
    gateway: dc1
  grafana:
    http: { upstream: "https://grafana.lan", hostname: grafana.corp.example, public: true }
    gateway: dc1
  db: { address: 10.20.1.0/24, ports: [tcp/5432], gateway: dc1 }
grants:
  - name: eng-wiki-read
    to: [group:engineering]
    resources: [wiki]
    http: { methods: [get, HEAD], paths: ["/docs/*", "/static/**"] }
  - name: alice-wiki
    to: [alice]
    resources: [wiki, grafana]
    require: { tunnel: true }
  - name: bob-db
    to: [bob]
    resources: [db]
`;

/** BASE with the given 1-based lines replaced. */
const edit = (lines: Record<number, string>): string => editLines(BASE, lines);

function compiled(yaml = BASE): Policy {
  const r = parsePolicy(yaml);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}

test('an HTTP resource compiles to its canonical upstream, hostname and public flag, without address or ports', () => {
  const p = compiled();
  assert.deepEqual(p.resources.get('wiki'), {
    name: 'wiki', gateway: 'dc1', standbyGateways: [], address: null, ports: null,
    http: { upstream: 'http://10.20.0.10:8080', hostname: 'wiki.corp.example', public: false },
  });
  assert.deepEqual(p.resources.get('grafana')!.http, { upstream: 'https://grafana.lan', hostname: 'grafana.corp.example', public: true });
  assert.equal(p.resources.get('db')!.http, null);
  // What the controller reads to configure a gateway's proxy.
  assert.deepEqual([...p.resources.values()].filter((r) => r.http && r.gateway === 'dc1').map((r) => r.name), ['wiki', 'grafana']);
  assert.deepEqual(resourcesOf(p).map((r) => [r.name, r.address, r.ports]), [
    ['wiki', 'wiki.corp.example', ['tcp/80']], ['grafana', 'grafana.corp.example', ['tcp/80']], ['db', '10.20.1.0/24', ['tcp/5432']],
  ]);
});

test('a grant compiles its http rules (methods upper-cased) and require.tunnel', () => {
  const [read, alice, bob] = compiled().grants;
  assert.deepEqual(read!.http, { methods: ['GET', 'HEAD'], paths: ['/docs/*', '/static/**'] });
  assert.equal(read!.tunnel, false);
  assert.equal(alice!.http, null);
  assert.equal(alice!.tunnel, true);
  assert.equal(bob!.http, null);
});

const valid: { name: string; yaml: string; upstream?: string }[] = [
  { name: 'upstream with a trailing slash', yaml: edit({ 5: '    http: { upstream: "http://10.20.0.10:8080/", hostname: wiki.corp.example }' }), upstream: 'http://10.20.0.10:8080' },
  { name: 'upper-case scheme and host', yaml: edit({ 5: '    http: { upstream: "HTTPS://Wiki.LAN:8443", hostname: wiki.corp.example }' }), upstream: 'https://wiki.lan:8443' },
  { name: 'single-label upstream host', yaml: edit({ 5: '    http: { upstream: "http://wiki", hostname: wiki.corp.example }' }), upstream: 'http://wiki' },
  { name: 'leading zeros in the port', yaml: edit({ 5: '    http: { upstream: "http://10.20.0.10:08080", hostname: wiki.corp.example }' }), upstream: 'http://10.20.0.10:8080' },
  { name: 'http rules with methods only', yaml: edit({ 15: '    http: { methods: [GET] }' }) },
  { name: 'http rules with paths only', yaml: edit({ 15: '    http: { paths: [/] }' }) },
  { name: 'empty http rules (every request)', yaml: edit({ 15: '    http: {}' }) },
  { name: 'require tunnel false', yaml: edit({ 19: '    require: { tunnel: false }' }) },
  { name: 'a network resource may share a gateway with HTTP resources', yaml: BASE },
];

for (const c of valid) {
  test(`accepts: ${c.name}`, () => {
    const p = compiled(c.yaml);
    if (c.upstream) assert.equal(p.resources.get('wiki')!.http!.upstream, c.upstream);
  });
}


const up = (u: string) => edit({ 5: `    http: { upstream: "${u}", hostname: wiki.corp.example }` });
const host = (h: string) => edit({ 5: `    http: { upstream: "http://10.20.0.10", hostname: "${h}" }` });

const cases: RejectionCase[] = [
  { name: 'both address and http', yaml: edit({ 6: '    address: 10.20.0.10\n    gateway: dc1' }), line: 5, path: 'resources.wiki.http', message: /either address .* or http .*, not both/ },
  { name: 'ports on an HTTP resource', yaml: edit({ 6: '    ports: [tcp/80]\n    gateway: dc1' }), line: 6, path: 'resources.wiki.ports', message: /an HTTP resource has no ports/ },
  { name: 'neither address nor http', yaml: edit({ 5: '' }), line: 5, path: 'resources.wiki.address', message: /expected an address .* or http: \{ upstream, hostname \}/ },
  { name: 'address without ports', yaml: edit({ 10: '  db: { address: 10.20.1.0/24, gateway: dc1 }' }), line: 10, path: 'resources.db.ports', message: /at least one port/ },
  { name: 'http not a mapping', yaml: edit({ 5: '    http: "http://10.20.0.10"' }), line: 5, path: 'resources.wiki.http', message: /expected http: \{ upstream, hostname, public \}/ },
  { name: 'unknown http key', yaml: edit({ 5: '    http: { upstream: "http://10.20.0.10", hostname: wiki.corp.example, tls: true }' }), line: 5, path: 'resources.wiki.http.tls', message: /unknown key "tls"/ },
  { name: 'missing upstream', yaml: edit({ 5: '    http: { hostname: wiki.corp.example }' }), line: 5, path: 'resources.wiki.http.upstream', message: /expected an upstream URL/ },
  { name: 'missing hostname', yaml: edit({ 5: '    http: { upstream: "http://10.20.0.10" }' }), line: 5, path: 'resources.wiki.http.hostname', message: /expected a hostname/ },
  { name: 'public not boolean', yaml: edit({ 8: '    http: { upstream: "https://grafana.lan", hostname: grafana.corp.example, public: "yes" }' }), line: 8, path: 'resources.grafana.http.public', message: /expected true or false/ },
  { name: 'upstream without scheme', yaml: up('10.20.0.10:8080'), line: 5, path: 'resources.wiki.http.upstream', message: /invalid upstream "10.20.0.10:8080": use http:\/\/HOST/ },
  { name: 'upstream ftp scheme', yaml: up('ftp://10.20.0.10'), line: 5, path: 'resources.wiki.http.upstream', message: /scheme must be http or https/ },
  { name: 'upstream with a path', yaml: up('http://10.20.0.10/app'), line: 5, path: 'resources.wiki.http.upstream', message: /no path, query or fragment/ },
  { name: 'upstream with a query', yaml: up('http://10.20.0.10?x=1'), line: 5, path: 'resources.wiki.http.upstream', message: /no path, query or fragment/ },
  { name: 'upstream with credentials', yaml: up('http://admin:pw@10.20.0.10'), line: 5, path: 'resources.wiki.http.upstream', message: /no credentials/ },
  { name: 'upstream without host', yaml: up('http://:8080'), line: 5, path: 'resources.wiki.http.upstream', message: /the host is missing/ },
  { name: 'upstream port 0', yaml: up('http://10.20.0.10:0'), line: 5, path: 'resources.wiki.http.upstream', message: /ports are 1-65535/ },
  { name: 'upstream port too large', yaml: up('http://10.20.0.10:65536'), line: 5, path: 'resources.wiki.http.upstream', message: /ports are 1-65535/ },
  { name: 'upstream empty port', yaml: up('http://10.20.0.10:'), line: 5, path: 'resources.wiki.http.upstream', message: /invalid port ""/ },
  { name: 'upstream bad IPv4', yaml: up('http://10.20.0.256'), line: 5, path: 'resources.wiki.http.upstream', message: /invalid IPv4 address "10.20.0.256"/ },
  { name: 'upstream shorthand IPv4', yaml: up('http://10.1'), line: 5, path: 'resources.wiki.http.upstream', message: /invalid IPv4 address "10.1"/ },
  { name: 'upstream loopback', yaml: up('http://127.0.0.1:9090'), line: 5, path: 'resources.wiki.http.upstream', message: /loopback and cannot be an upstream/ },
  { name: 'upstream localhost', yaml: up('http://localhost:9090'), line: 5, path: 'resources.wiki.http.upstream', message: /invalid host "localhost"/ },
  { name: 'upstream IPv6', yaml: up('http://[fd00::1]:8080'), line: 5, path: 'resources.wiki.http.upstream', message: /IPv6 upstreams are not supported/ },
  { name: 'upstream with underscore', yaml: up('http://wiki_server.lan'), line: 5, path: 'resources.wiki.http.upstream', message: /invalid host "wiki_server.lan"/ },
  { name: 'hostname upper case', yaml: host('Wiki.corp.example'), line: 5, path: 'resources.wiki.http.hostname', message: /lower case \("wiki.corp.example"\)/ },
  { name: 'hostname single label', yaml: host('wiki'), line: 5, path: 'resources.wiki.http.hostname', message: /at least two labels/ },
  { name: 'hostname an IPv4 address', yaml: host('10.20.0.10'), line: 5, path: 'resources.wiki.http.hostname', message: /invalid hostname "10.20.0.10"/ },
  { name: 'hostname with a port', yaml: host('wiki.corp.example:80'), line: 5, path: 'resources.wiki.http.hostname', message: /invalid hostname/ },
  { name: 'hostname wildcard', yaml: host('*.corp.example'), line: 5, path: 'resources.wiki.http.hostname', message: /invalid hostname/ },
  { name: 'hostname trailing dot', yaml: host('wiki.corp.example.'), line: 5, path: 'resources.wiki.http.hostname', message: /invalid hostname/ },
  { name: 'hostname label too long', yaml: host(`${'a'.repeat(64)}.example`), line: 5, path: 'resources.wiki.http.hostname', message: /invalid hostname/ },
  { name: 'hostname too long', yaml: host(`${'a.'.repeat(126)}ab`), line: 5, path: 'resources.wiki.http.hostname', message: /at most 253 characters/ },
  { name: 'duplicate hostname', yaml: edit({ 8: '    http: { upstream: "https://grafana.lan", hostname: wiki.corp.example }' }), line: 8, path: 'resources.grafana.http.hostname', message: /hostname wiki.corp.example is already the hostname of resource wiki/ },
  { name: 'grant http on a network resource', yaml: edit({ 14: '    resources: [wiki, db]' }), line: 15, path: 'grants[0].http', message: /http rules apply only to HTTP resources, and db is a network resource/ },
  { name: 'grant http not a mapping', yaml: edit({ 15: '    http: [GET]' }), line: 15, path: 'grants[0].http', message: /expected http: \{ methods, paths \}/ },
  { name: 'unknown grant http key', yaml: edit({ 15: '    http: { verbs: [GET] }' }), line: 15, path: 'grants[0].http.verbs', message: /unknown key "verbs"/ },
  { name: 'invalid method', yaml: edit({ 15: '    http: { methods: ["GE T"] }' }), line: 15, path: 'grants[0].http.methods[0]', message: /invalid HTTP method "GE T"/ },
  { name: 'duplicate method after upper-casing', yaml: edit({ 15: '    http: { methods: [GET, get] }' }), line: 15, path: 'grants[0].http.methods[1]', message: /duplicate method "GET"/ },
  { name: 'empty methods', yaml: edit({ 15: '    http: { methods: [] }' }), line: 15, path: 'grants[0].http.methods', message: /leave it out to allow every method/ },
  { name: 'empty paths', yaml: edit({ 15: '    http: { paths: [] }' }), line: 15, path: 'grants[0].http.paths', message: /leave it out to allow every path/ },
  { name: 'path without leading slash', yaml: edit({ 15: '    http: { paths: [docs/*] }' }), line: 15, path: 'grants[0].http.paths[0]', message: /must start with \// },
  { name: 'wildcard inside a segment', yaml: edit({ 15: '    http: { paths: ["/docs/*.pdf"] }' }), line: 15, path: 'grants[0].http.paths[0]', message: /alone in their segment/ },
  { name: 'dot segment in a path', yaml: edit({ 15: '    http: { paths: ["/docs/../admin"] }' }), line: 15, path: 'grants[0].http.paths[0]', message: /dot segments/ },
  { name: 'empty segment in a path', yaml: edit({ 15: '    http: { paths: ["/docs//a"] }' }), line: 15, path: 'grants[0].http.paths[0]', message: /empty segment/ },
  { name: 'duplicate path', yaml: edit({ 15: '    http: { paths: ["/docs/*", "/docs/*"] }' }), line: 15, path: 'grants[0].http.paths[1]', message: /duplicate path "\/docs\/\*"/ },
  { name: 'path not a string', yaml: edit({ 15: '    http: { paths: [1] }' }), line: 15, path: 'grants[0].http.paths[0]', message: /expected a path pattern/ },
  { name: 'tunnel not boolean', yaml: edit({ 19: '    require: { tunnel: yes }' }), line: 19, path: 'grants[1].require.tunnel', message: /expected true or false/ },
];

testRejections(cases);

const MONDAY = new Date('2025-06-02T10:00:00Z');
const subject = (over: Partial<Subject> & { user: string }): Subject => ({ groups: [], mfa: true, posture: EMPTY_POSTURE, now: MONDAY, ...over });

test('an HTTP resource gives one entitlement per grant: tcp/80 of the proxy, with the grant\'s rules', () => {
  const p = compiled();
  const alice = evaluate(p, subject({ user: 'alice' }));
  assert.deepEqual(alice.entitlements, [
    { resource: 'wiki', gateway: 'dc1', standbyGateways: [], destination: '', protocol: 'tcp', portFrom: 80, portTo: 80, grant: 'eng-wiki-read', expiresAt: null,
      http: { hostname: 'wiki.corp.example', methods: ['GET', 'HEAD'], paths: ['/docs/*', '/static/**'] } },
    { resource: 'wiki', gateway: 'dc1', standbyGateways: [], destination: '', protocol: 'tcp', portFrom: 80, portTo: 80, grant: 'alice-wiki', expiresAt: null,
      http: { hostname: 'wiki.corp.example', methods: [], paths: [] } },
    { resource: 'grafana', gateway: 'dc1', standbyGateways: [], destination: '', protocol: 'tcp', portFrom: 80, portTo: 80, grant: 'alice-wiki', expiresAt: null,
      http: { hostname: 'grafana.corp.example', methods: [], paths: [] } },
  ]);
  assert.deepEqual(alice.denials.map((d) => [d.resource, d.code]), [['db', 'missing_group']]);
  // A network resource's entitlements are unchanged: its address and ports, no http.
  const bob = evaluate(p, subject({ user: 'bob' }));
  assert.deepEqual(bob.entitlements.map((e) => [e.resource, e.destination, `${e.protocol}/${e.portFrom}`, e.http]), [
    ['wiki', '', 'tcp/80', { hostname: 'wiki.corp.example', methods: ['GET', 'HEAD'], paths: ['/docs/*', '/static/**'] }],
    ['db', '10.20.1.0/24', 'tcp/5432', null],
  ]);
});

test('a grant that requires the tunnel gives nothing to a caller without it, and the denial says so', () => {
  const p = compiled();
  const browser = evaluate(p, subject({ user: 'alice', tunnel: false }));
  assert.deepEqual(browser.entitlements.map((e) => e.grant), ['eng-wiki-read']);
  const grafana = browser.denials.find((d) => d.resource === 'grafana');
  assert.deepEqual(grafana, { resource: 'grafana', code: 'tunnel', message: 'grant alice-wiki: requires the tunnel' });
  // Through the tunnel (explicitly or by default) the same grant applies.
  for (const tunnel of [true, undefined]) {
    assert.deepEqual(evaluate(p, subject({ user: 'alice', tunnel })).entitlements.map((e) => e.grant), ['eng-wiki-read', 'alice-wiki', 'alice-wiki']);
  }
});

test('the entitlement carries its own copy of the rules: changing it cannot change the policy', () => {
  const p = compiled();
  const e = evaluate(p, subject({ user: 'bob' })).entitlements[0]!;
  e.http!.methods.push('DELETE');
  assert.deepEqual(p.grants[0]!.http!.methods, ['GET', 'HEAD']);
});
