// Tests of checkPolicy: validation plus the policy's embedded tests, one result per
// allow/deny item, with the line of the item and the reason when it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkPolicy } from './index.js';

const TEXT = `groups:
  eng: [alice]
  contractors: []
postures:
  managed: { disk_encryption: true }
resources:
  wiki: { address: 10.0.0.10, ports: [tcp/80, tcp/443], gateway: dc1 }
  web: { address: 10.0.0.11, ports: [tcp/8000-8099], gateway: dc1 }
  db: { address: 10.0.1.0/24, ports: [tcp/5432], gateway: dc1 }
grants:
  - name: eng-wiki
    to: [group:eng]
    resources: [wiki, web]
    require: { posture: [managed] }
  - name: late
    to: [group:contractors]
    resources: [db]
    schedule: { hours: "09:00-17:00", tz: UTC }
tests:
  - user: alice
    posture: { disk_encryption: true }
    allow: [wiki, wiki:tcp/443, web:tcp/8000-8099, web:tcp/8050]
    deny: [db, wiki:tcp/22]
  - user: alice
    posture: { disk_encryption: true }
    deny: [wiki]
  - user: dave
    groups: [contractors]
    at: "2025-06-02T10:00:00Z"
    allow: [db:tcp/5432]
  - user: dave
    groups: [contractors]
    allow: [db]
  - user: alice
    posture: { disk_encryption: true }
    allow: [wiki:tcp/22, web:tcp/8000-8100]
    deny: [web:tcp/8099-8200]
`;

test('every item gets a result with its line; failures say why', () => {
  const check = checkPolicy(TEXT, { now: new Date('2025-06-02T20:00:00Z') });
  assert.equal(check.valid, true);
  assert.equal(check.ok, false);
  assert.ok(check.policy);
  assert.deepEqual(check.tests.map((t) => [t.name, t.passed, t.line]), [
    ['alice: allow wiki', true, 22],
    ['alice: allow wiki:tcp/443', true, 22],
    ['alice: allow web:tcp/8000-8099', true, 22],
    ['alice: allow web:tcp/8050', true, 22],
    ['alice: deny db', true, 23],
    ['alice: deny wiki:tcp/22', true, 23],
    ['alice: deny wiki', false, 26],
    ['dave: allow db:tcp/5432', true, 30],
    ['dave: allow db', false, 33],
    ['alice: allow wiki:tcp/22', false, 36],
    ['alice: allow web:tcp/8000-8100', false, 36],
    ['alice: deny web:tcp/8099-8200', false, 37],
  ]);
  const msg = (name: string) => check.tests.find((t) => t.name === name)!.message;
  assert.equal(msg('alice: allow wiki'), 'allowed by grant eng-wiki');
  assert.match(msg('alice: deny wiki'), /expected deny, but allowed by grant eng-wiki/);
  assert.match(msg('dave: allow db'), /expected allow, but denied: grant late: outside schedule every day 09:00-17:00 UTC/);
  assert.equal(msg('alice: allow wiki:tcp/22'), 'wiki does not expose tcp/22');
  assert.equal(msg('alice: allow web:tcp/8000-8100'), 'web does not expose tcp/8000-8100');
  assert.equal(msg('alice: deny web:tcp/8099-8200'), 'expected deny, but allowed by grant eng-wiki');
  assert.match(msg('alice: deny db'), /denied: access to db is granted only to group:contractors \(grant late\)/);
});

for (const [posture, reason] of [['', /disk_encryption is unknown/], ['\n    posture: { disk_encryption: false }', /disk_encryption is "false"/]] as const) {
  test(`a deny passes when the device fails the posture (${posture ? 'reported false' : 'no posture: unknown'})`, () => {
    const text = TEXT.replace('  - user: alice\n    posture: { disk_encryption: true }\n    deny: [wiki]\n', `  - user: alice${posture}\n    deny: [wiki]\n`);
    const t = checkPolicy(text).tests.find((x) => x.name === 'alice: deny wiki')!;
    assert.equal(t.passed, true, t.message);
    assert.match(t.message, reason);
  });
}

test('an invalid file has errors and no test results', () => {
  const check = checkPolicy(TEXT.replace('[wiki, web]', '[wiki, webb]'));
  assert.equal(check.valid, false);
  assert.equal(check.ok, false);
  assert.deepEqual(check.tests, []);
  assert.equal(check.policy, undefined);
  assert.deepEqual(check.errors.map((e) => [e.line, e.path]), [[13, 'grants[0].resources[1]']]);
});

test('a file whose tests all pass is ok', () => {
  const text = TEXT.split('  - user: alice\n    posture: { disk_encryption: true }\n    deny: [wiki]\n')[0]!;
  const check = checkPolicy(text);
  assert.equal(check.ok, true, JSON.stringify(check.tests.filter((t) => !t.passed)));
  assert.equal(check.tests.length, 6);
});

test('the example in docs/policy.md is valid and its tests pass', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/policy.md', import.meta.url)), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, 'docs/policy.md has a yaml example');
  const check = checkPolicy(example, { now: new Date('2025-06-02T07:00:00Z') });
  assert.deepEqual(check.errors, []);
  assert.ok(check.tests.length >= 5);
  assert.equal(check.ok, true, JSON.stringify(check.tests.filter((t) => !t.passed)));
});

const HTTP_TEXT = `groups:
  eng: [alice, bob]
resources:
  wiki:
    http: { upstream: "http://10.0.0.10:8080", hostname: wiki.corp.example }
    gateway: dc1
  db: { address: 10.0.1.0/24, ports: [tcp/5432], gateway: dc1 }
grants:
  - name: eng-read
    to: [group:eng]
    resources: [wiki]
    http: { methods: [GET, HEAD], paths: ["/docs/*", "/static/**"] }
  - name: alice-write
    to: [alice]
    resources: [wiki]
    http: { methods: [POST], paths: ["/docs/*"] }
tests:
  - user: bob
    allow: [wiki, "wiki:GET/docs/a", "wiki:HEAD/static/css/site.css", "wiki:GET/static"]
    deny: [db, "wiki:POST/docs/a", "wiki:GET/admin", "wiki:GET/docs/a/b", "wiki:GET/docs/x/../../admin"]
  - user: alice
    allow: ["wiki:POST/docs/a", "wiki:GET/docs/./a?x=1"]
  - user: carol
    groups: []
    deny: [wiki, "wiki:GET/docs/a"]
  - user: bob
    allow: ["wiki:POST/docs/a", "wiki:GET/admin"]
    deny: ["wiki:GET/docs/b", wiki]
`;

test('request items are decided like the proxy decides requests, with the missing rule when they fail', () => {
  const check = checkPolicy(HTTP_TEXT);
  assert.equal(check.valid, true, JSON.stringify(check.errors));
  assert.deepEqual(check.tests.map((t) => [t.name, t.passed, t.line]), [
    ['bob: allow wiki', true, 19],
    ['bob: allow wiki:GET/docs/a', true, 19],
    ['bob: allow wiki:HEAD/static/css/site.css', true, 19],
    ['bob: allow wiki:GET/static', true, 19],
    ['bob: deny db', true, 20],
    ['bob: deny wiki:POST/docs/a', true, 20],
    ['bob: deny wiki:GET/admin', true, 20],
    ['bob: deny wiki:GET/docs/a/b', true, 20],
    ['bob: deny wiki:GET/docs/x/../../admin', true, 20],
    ['alice: allow wiki:POST/docs/a', true, 22],
    ['alice: allow wiki:GET/docs/./a?x=1', true, 22],
    ['carol: deny wiki', true, 25],
    ['carol: deny wiki:GET/docs/a', true, 25],
    ['bob: allow wiki:POST/docs/a', false, 27],
    ['bob: allow wiki:GET/admin', false, 27],
    ['bob: deny wiki:GET/docs/b', false, 28],
    ['bob: deny wiki', false, 28],
  ]);
  const msg = (name: string, line: number) => check.tests.find((t) => t.name === name && t.line === line)!.message;
  assert.equal(msg('bob: allow wiki:GET/docs/a', 19), 'allowed by grant eng-read');
  assert.equal(msg('alice: allow wiki:POST/docs/a', 22), 'allowed by grant alice-write');
  assert.equal(msg('bob: deny wiki:POST/docs/a', 20), 'denied: no grant allows method POST on wiki (allowed: GET, HEAD)');
  assert.equal(msg('bob: deny wiki:GET/admin', 20), 'denied: no grant allows GET /admin on wiki (allowed paths for GET: /docs/*, /static/**)');
  assert.match(msg('carol: deny wiki:GET/docs/a', 25), /^denied: access to wiki is granted only to/);
  assert.equal(msg('bob: allow wiki:POST/docs/a', 27), 'expected allow, but denied: no grant allows method POST on wiki (allowed: GET, HEAD)');
  assert.equal(msg('bob: allow wiki:GET/admin', 27), 'expected allow, but denied: no grant allows GET /admin on wiki (allowed paths for GET: /docs/*, /static/**)');
  assert.equal(msg('bob: deny wiki:GET/docs/b', 28), 'expected deny, but allowed by grant eng-read');
  assert.equal(msg('bob: deny wiki', 28), 'expected deny, but allowed by grant eng-read');
});

for (const [name, item, line, message] of [
  ['a request item on a network resource', '"db:GET/x"', 20, /db is a network resource: name a port \(db:tcp\/443\), not a request/],
  ['a port item on an HTTP resource', 'wiki:tcp/80', 20, /wiki is an HTTP resource: name a request \(wiki:GET\/path\), not a port/],
  ['a lower-case method', '"wiki:get/docs/a"', 20, /write an upper-case method, then the path/],
  ['a request without a method', '"wiki:/docs/a"', 20, /write an upper-case method, then the path/],
  ['an invalid method', '"wiki:G@T/docs/a"', 20, /invalid HTTP method "G@T"/],
  ['a path climbing above /', '"wiki:GET/../etc"', 20, /invalid request path "\/..\/etc": the request path climbs above \//],
  ['a path hiding a slash', '"wiki:GET/docs%2Fa"', 20, /hides "\/"/],
] as const) {
  test(`rejects ${name} with its line`, () => {
    const check = checkPolicy(HTTP_TEXT.replace('deny: [db, ', `deny: [${item}, `));
    assert.equal(check.valid, false);
    const e = check.errors.find((x) => message.test(x.message));
    assert.ok(e, JSON.stringify(check.errors));
    assert.equal(e.line, line);
    assert.equal(e.path, 'tests[0].deny[0]');
  });
}

test('embedded tests name resources of every address kind and gateway list alike', () => {
  const text = `gateways: [dc1a, dc1b]
groups:
  eng: [alice]
resources:
  v4: { address: 10.0.1.0/24, ports: [tcp/5432], gateway: [dc1a, dc1b] }
  v6: { address: "fd20::/64", ports: [tcp/443, icmp], gateway: [dc1b, dc1a] }
  name: { address: db.corp.internal, ports: [tcp/5432], gateway: dc1a }
  wild: { address: "*.corp.internal", ports: [udp/53], gateway: dc1a }
grants:
  - name: eng
    to: [group:eng]
    resources: [v4, v6, name]
tests:
  - user: alice
    allow: [v4:tcp/5432, v6, v6:icmp, name:tcp/5432]
    deny: [wild, v6:tcp/80, name:tcp/5433]
  - user: alice
    allow: [wild:udp/53]
`;
  const check = checkPolicy(text);
  assert.equal(check.valid, true, JSON.stringify(check.errors));
  assert.deepEqual(check.tests.map((t) => [t.name, t.passed]), [
    ['alice: allow v4:tcp/5432', true],
    ['alice: allow v6', true],
    ['alice: allow v6:icmp', true],
    ['alice: allow name:tcp/5432', true],
    ['alice: deny wild', true],
    ['alice: deny v6:tcp/80', true],
    ['alice: deny name:tcp/5433', true],
    ['alice: allow wild:udp/53', false],
  ]);
  assert.match(check.tests.at(-1)!.message, /expected allow, but denied: no grant gives access to wild/);
});
