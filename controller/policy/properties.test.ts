// Property-based tests (fast-check): default deny, monotonicity of grants, group removal,
// exact port, CIDR and IPv6 prefix boundaries, which resources on different gateways may
// overlap (IPv4, IPv6, names and wildcards), and that no input — random bytes, mutated
// policies, deep nesting, wrong types — makes parsePolicy or checkPolicy throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { checkPolicy, EMPTY_POSTURE, evaluate, explain, matchingEntitlements, parsePolicy, type Entitlement, type Policy, type Subject } from './index.js';

const USERS = ['u0', 'u1', 'u2', 'u3', 'u4'];
const GROUPS = ['g0', 'g1', 'g2'];
const RESOURCES = ['r0', 'r1', 'r2', 'r3'];
const NOW = new Date('2025-06-02T10:00:00Z');

const subset = <T>(items: T[], minLength = 0) => fc.subarray(items, { minLength });

const grantArb = fc.record({
  to: subset([...USERS, ...GROUPS.map((g) => `group:${g}`)], 1),
  resources: subset(RESOURCES, 1),
  mfa: fc.boolean(),
  posture: fc.boolean(),
  schedule: fc.boolean(),
});
type GrantSpec = typeof grantArb extends fc.Arbitrary<infer T> ? T : never;

const docArb = fc.record({
  members: fc.tuple(...GROUPS.map(() => subset(USERS))),
  ports: fc.tuple(...RESOURCES.map(() => fc.constantFrom(['tcp/22'], ['tcp/80', 'tcp/443'], ['udp/53', 'icmp'], ['tcp/8000-8099']))),
  grants: fc.array(grantArb, { maxLength: 6 }),
});
type DocSpec = typeof docArb extends fc.Arbitrary<infer T> ? T : never;

function toYaml(d: DocSpec, grants: GrantSpec[] = d.grants): string {
  return stringify({
    groups: Object.fromEntries(GROUPS.map((g, i) => [g, d.members[i]])),
    postures: { managed: { disk_encryption: true } },
    resources: Object.fromEntries(RESOURCES.map((r, i) => [r, { address: `10.0.${i}.0/24`, ports: d.ports[i], gateway: 'gw' }])),
    grants: grants.map((g, i) => ({
      name: `grant${i}`, to: g.to, resources: g.resources,
      require: { mfa: g.mfa, posture: g.posture ? ['managed'] : [] },
      ...(g.schedule ? { schedule: { days: ['mon-fri'], hours: '08:00-18:00', tz: 'Europe/Berlin' } } : {}),
    })),
  });
}

function compile(text: string): Policy {
  const r = parsePolicy(text);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}

const subjectArb = fc.record({
  user: fc.constantFrom(...USERS, 'outsider'),
  groups: subset(GROUPS),
  mfa: fc.boolean(),
  posture: fc.constantFrom(EMPTY_POSTURE, { ...EMPTY_POSTURE, diskEncryption: 'true' }),
  now: fc.constantFrom(NOW, new Date('2025-06-07T10:00:00Z'), new Date('2025-06-02T20:00:00Z')),
});

const key = (e: Entitlement) => `${e.resource}:${e.protocol}/${e.portFrom}-${e.portTo}@${e.grant}`;
const keys = (p: Policy, s: Subject) => new Set(evaluate(p, s).entitlements.map(key));

test('an empty grant list denies everything', () => {
  fc.assert(fc.property(docArb, subjectArb, (d, s) => {
    const p = compile(toYaml(d, []));
    const result = evaluate(p, s);
    assert.deepEqual(result.entitlements, []);
    assert.deepEqual(result.denials.map((x) => [x.resource, x.code]), RESOURCES.map((r) => [r, 'no_grant']));
  }), { numRuns: 200 });
});

test('adding a grant (anywhere in the list) never removes access', () => {
  fc.assert(fc.property(docArb, grantArb, fc.nat(), subjectArb, (d, extra, at, s) => {
    const before = keys(compile(toYaml(d)), s);
    // Grant names are positional; name the inserted grant last so existing names stay put.
    const position = at % (d.grants.length + 1);
    const grants = [...d.grants.slice(0, position), extra, ...d.grants.slice(position)];
    const rename = (k: string) => k.replace(/@grant(\d+)$/, (_, n: string) => `@grant${Number(n) >= position ? Number(n) + 1 : n}`);
    const after = keys(compile(toYaml(d, grants)), s);
    for (const k of before) assert.ok(after.has(rename(k)), `lost ${k}`);
  }), { numRuns: 200 });
});

test('removing a user from every group removes every group-derived entitlement', () => {
  fc.assert(fc.property(docArb, subjectArb, (d, s) => {
    const p = compile(toYaml(d));
    const withoutGroups = compile(toYaml({ ...d, members: d.members.map((m) => m.filter((u) => u !== s.user)) as DocSpec['members'] }));
    const direct = (e: Entitlement) => p.grants.find((g) => g.name === e.grant)!.users.includes(s.user);
    const remaining = evaluate(withoutGroups, { ...s, groups: [] }).entitlements;
    for (const e of remaining) assert.ok(direct(e), `group-derived ${key(e)} survived`);
    // ...and nothing granted to the user by name is lost.
    const named = evaluate(p, s).entitlements.filter(direct).map(key);
    assert.deepEqual(new Set(remaining.map(key)), new Set(named));
  }), { numRuns: 200 });
});

const ipOf = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

test('port ranges and CIDRs match exactly at their boundaries', () => {
  const rangeArb = fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
  const cidrArb = fc.tuple(fc.integer({ min: 0x0b000000, max: 0x7effffff }), fc.integer({ min: 8, max: 32 })).map(([n, bits]) => {
    const size = 2 ** (32 - bits);
    const first = Math.floor(n / size) * size;
    return { first, last: first + size - 1, text: bits === 32 ? ipOf(first) : `${ipOf(first)}/${bits}` };
  });
  fc.assert(fc.property(rangeArb, cidrArb, ([from, to], cidr) => {
    const ports = from === to ? `tcp/${from}` : `tcp/${from}-${to}`;
    const p = compile(`resources: { r: { address: "${cidr.text}", ports: [${ports}], gateway: gw } }\ngrants: [{ name: g, to: [u], resources: [r] }]\n`);
    const s: Subject = { user: 'u', groups: [], mfa: true, posture: EMPTY_POSTURE, now: NOW };
    const { entitlements } = evaluate(p, s);
    const hits = (ip: number, port: number) => matchingEntitlements(entitlements, ipOf(ip), 'tcp', port).length;
    for (const ip of [cidr.first, cidr.last]) {
      assert.equal(hits(ip, from), 1);
      assert.equal(hits(ip, to), 1);
      if (from > 1) assert.equal(hits(ip, from - 1), 0);
      if (to < 65535) assert.equal(hits(ip, to + 1), 0);
    }
    assert.equal(hits(cidr.first - 1, from), 0);
    assert.equal(hits(cidr.last + 1, from), 0);
    assert.equal(explain(p, s, 'r', 'tcp', from).allowed, true);
    assert.equal(explain(p, s, 'r', 'tcp', to).allowed, true);
    if (from > 1) assert.equal(explain(p, s, 'r', 'tcp', from - 1).allowed, false);
    if (to < 65535) assert.equal(explain(p, s, 'r', 'tcp', to + 1).allowed, false);
  }), { numRuns: 300 });
});

test('CIDRs on different gateways are rejected exactly when they share an address', () => {
  const cidrArb = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 })).map(([n, bits]) => {
    const size = 2 ** (32 - bits);
    const first = 0x0a000000 + Math.floor(n / size) * size;
    return { first, last: first + size - 1, text: `${ipOf(first)}/${bits}` };
  });
  fc.assert(fc.property(cidrArb, cidrArb, (a, b) => {
    const r = parsePolicy(`resources:\n  a: { address: "${a.text}", ports: [icmp], gateway: one }\n  b: { address: "${b.text}", ports: [icmp], gateway: two }\n`);
    assert.equal(r.ok, !(a.first <= b.last && b.first <= a.last));
  }), { numRuns: 300 });
});

/** IPv6 text of a 128-bit number (full form; the parser writes the canonical one). */
const ip6Of = (n: bigint) => Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

/** A prefix inside fd00::/8 (never a refused range), with its first and last address. */
const prefix6Arb = (minBits: number, region: fc.Arbitrary<bigint>) => fc.tuple(region, fc.integer({ min: minBits, max: 128 })).map(([n, bits]) => {
  const size = 1n << BigInt(128 - bits);
  const first = (n / size) * size;
  return { first, last: first + size - 1n, text: `${ip6Of(first)}/${bits}` };
});

test('IPv6 prefixes match exactly at their boundaries, and only IPv6 destinations', () => {
  const region = fc.bigInt({ min: 0xfdn << 120n, max: (0xfen << 120n) - 1n });
  fc.assert(fc.property(prefix6Arb(8, region), fc.integer({ min: 1, max: 65535 }), (cidr, port) => {
    const p = compile(`resources: { r: { address: "${cidr.text}", ports: [tcp/${port}], gateway: gw } }\ngrants: [{ name: g, to: [u], resources: [r] }]\n`);
    const { entitlements } = evaluate(p, { user: 'u', groups: [], mfa: true, posture: EMPTY_POSTURE, now: NOW });
    const hits = (n: bigint) => matchingEntitlements(entitlements, ip6Of(n), 'tcp', port).length;
    assert.equal(hits(cidr.first), 1);
    assert.equal(hits(cidr.last), 1);
    assert.equal(hits(cidr.first - 1n), 0);
    assert.equal(hits(cidr.last + 1n), 0);
    // The low 32 bits read as an IPv4 address never match an IPv6 resource.
    assert.equal(matchingEntitlements(entitlements, ipOf(Number(cidr.first & 0xffffffffn)), 'tcp', port).length, 0);
  }), { numRuns: 300 });
});

test('IPv6 prefixes on different gateways are rejected exactly when they share an address', () => {
  const region = fc.bigInt({ min: 0xfd20n << 112n, max: (0xfd20n << 112n) + 0xffffn });
  const prefix = prefix6Arb(112, region);
  fc.assert(fc.property(prefix, prefix, (a, b) => {
    const r = parsePolicy(`resources:\n  a: { address: "${a.text}", ports: [icmp], gateway: one }\n  b: { address: "${b.text}", ports: [icmp], gateway: [two, one] }\n`);
    assert.equal(r.ok, !(a.first <= b.last && b.first <= a.last));
  }), { numRuns: 300 });
});

test('names and wildcards on different gateways are rejected exactly when some name is under both', () => {
  // A name is its labels; a wildcard is every name strictly below its labels.
  const entryArb = fc.record({ wildcard: fc.boolean(), labels: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 0, maxLength: 3 }) });
  const text = (e: { wildcard: boolean; labels: string[] }) => `${e.wildcard ? '*.' : ''}${[...e.labels, 'corp', 'internal'].join('.')}`;
  const endsWith = (long: string[], short: string[]) => long.length >= short.length && short.every((l, i) => long[long.length - short.length + i] === l);
  const meet = (x: { wildcard: boolean; labels: string[] }, y: { wildcard: boolean; labels: string[] }): boolean => {
    if (x.wildcard && y.wildcard) return endsWith(x.labels, y.labels) || endsWith(y.labels, x.labels);
    if (x.wildcard) return y.labels.length > x.labels.length && endsWith(y.labels, x.labels);
    if (y.wildcard) return meet(y, x);
    return x.labels.join('.') === y.labels.join('.');
  };
  fc.assert(fc.property(entryArb, entryArb, (a, b) => {
    const r = parsePolicy(`resources:\n  a: { address: "${text(a)}", ports: [icmp], gateway: one }\n  b: { address: "${text(b)}", ports: [icmp], gateway: two }\n`);
    assert.equal(r.ok, !meet(a, b), `${text(a)} / ${text(b)}`);
  }), { numRuns: 300 });
});

const SAMPLE_NETWORK: string = `gateways: [dc1, dc2]
groups:
  eng: [alice, bob]
postures:
  managed: { os: [linux], disk_encryption: true, min_client_version: "1.2.0" }
resources:
  wiki: { address: 10.20.0.10, ports: [tcp/80, tcp/443], gateway: dc1 }
  db: { address: 10.20.1.0/24, ports: [tcp/5432, udp/53, icmp], gateway: dc1 }
  api: { address: "fd20::/64", ports: [tcp/443], gateway: [dc1, dc2] }
  apps: { address: "*.corp.internal", ports: [tcp/8443], gateway: [dc2, dc1] }
grants:
  - name: eng-wiki
    to: [group:eng, carol]
    resources: [wiki, db, api, apps]
    require: { mfa: true, posture: [managed] }
    session_ttl: 8h
    schedule: { days: [mon-fri], hours: "07:00-19:00", tz: Europe/Berlin }
tests:
  - user: alice
    at: "2025-06-02T09:00:00+02:00"
    posture: { os: linux, client_version: "1.2.0", disk_encryption: true }
    allow: [wiki:tcp/443]
    deny: [db:tcp/22]
`;

function assertWellFormed(text: string): void {
  const parsed = parsePolicy(text);
  const checked = checkPolicy(text, { now: NOW });
  assert.equal(checked.valid, parsed.ok);
  if (!parsed.ok) {
    assert.ok(parsed.errors.length > 0);
    for (const e of parsed.errors) {
      assert.ok(Number.isInteger(e.line) && e.line >= 0 && Number.isInteger(e.column) && e.column >= 0);
      assert.ok(e.message.length > 0);
      assert.doesNotMatch(e.message, /internal error/);
    }
  }
}

test('random text and bytes never crash the engine', () => {
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }),
    fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')), fc.jsonValue().map((v) => stringify(v))), (text) => {
    assertWellFormed(text);
  }), { numRuns: 500 });
});

const HTTP_SAMPLE: string = `groups:
  eng: [alice]
resources:
  wiki:
    http: { upstream: "http://10.20.0.10:8080", hostname: wiki.corp.example, public: true }
    gateway: dc1
  db: { address: 10.20.1.0/24, ports: [tcp/5432], gateway: dc1 }
grants:
  - name: eng-wiki
    to: [group:eng]
    resources: [wiki]
    http: { methods: [GET, post], paths: ["/docs/*", "/static/**"] }
    require: { tunnel: true }
  - name: eng-db
    to: [group:eng]
    resources: [db]
tests:
  - user: alice
    allow: ["wiki:GET/docs/a", "wiki:POST/docs/%41", db]
    deny: ["wiki:GET/admin", "wiki:DELETE/docs/a"]
`;

for (const [name, SAMPLE] of [['network', SAMPLE_NETWORK], ['HTTP', HTTP_SAMPLE]]) test(`mutated ${name} policies never crash the engine`, () => {
  // The sample itself is valid and its tests pass: mutations start from every construct working.
  assert.equal(checkPolicy(SAMPLE, { now: NOW }).ok, true);
  const lines = SAMPLE.split('\n');
  const mutation = fc.oneof(
    fc.tuple(fc.constant('delete-char'), fc.nat(SAMPLE.length), fc.constant('')),
    fc.tuple(fc.constant('insert'), fc.nat(SAMPLE.length), fc.constantFrom(':', '-', '[', ']', '{', '}', ' ', '\n', '\t', '"', '&a ', '*a', '!!binary ', '0', 'group:', '/', ',', '~', '? ', '*', '**', '%2F', '..', 'GET', 'http://', ':80', '@', '::', '*.', '.invalid', 'dc1, ')),
    fc.tuple(fc.constant('swap-lines'), fc.nat(lines.length - 1), fc.constant('')),
    fc.tuple(fc.constant('dup-line'), fc.nat(lines.length - 1), fc.constant('')),
    fc.tuple(fc.constant('replace-word'), fc.nat(SAMPLE.length), fc.constantFrom('null', '[]', '{}', '42', 'true', '-1', '""', '~', '9999999999999999999999', 'tcp/0', '0.0.0.0/0', 'https://[::1]', '/../', 'G T', '"fd20::1/64"', '"*.x"', '[dc1, dc1]', '[]', '"::ffff:1.2.3.4"', 'db.corp.internal.')),
  );
  fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => {
    let text: string = SAMPLE;
    for (const [kind, at, s] of ms) {
      const ls = text.split('\n');
      const i = at % Math.max(1, text.length);
      if (kind === 'delete-char') text = text.slice(0, i) + text.slice(i + 1);
      else if (kind === 'insert') text = text.slice(0, i) + s + text.slice(i);
      else if (kind === 'swap-lines') { const j = at % ls.length; const k = (j + 1) % ls.length; [ls[j], ls[k]] = [ls[k]!, ls[j]!]; text = ls.join('\n'); }
      else if (kind === 'dup-line') { const j = at % ls.length; ls.splice(j, 0, ls[j]!); text = ls.join('\n'); }
      else text = text.slice(0, i) + s + text.slice(i).replace(/^[^\s,\]}]*/, '');
    }
    assertWellFormed(text);
  }), { numRuns: 1000 });
});

test('deep nesting, alias loops and wrong types come back as errors', () => {
  const inputs = [
    '['.repeat(20000) + ']'.repeat(20000),
    '{a: '.repeat(5000) + '1' + '}'.repeat(5000),
    Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}- x`).join('\n'),
    Array.from({ length: 200 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n'),
    'groups: &a { g: *a }',
    'a: &a [*a, *a]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n'.repeat(1),
    'x: &x [' + Array.from({ length: 30 }, () => '*x').join(', ') + ']',
    'resources: 5', 'grants: { a: 1 }', 'grants: [1, "two", null, [3]]', 'tests: [{}]', 'groups: { g: "alice" }',
    'resources: { r: { address: [1], ports: tcp/80, gateway: {} } }', '!!binary aGVsbG8=', '? [a, b]\n: c', '1: 2', 'groups: { 1: [2] }',
    'resources: { r: { http: [1], gateway: dc1 } }', 'resources: { r: { http: { upstream: 5, hostname: [] }, gateway: dc1 } }',
    'resources: { r: { http: null, address: null, ports: null, gateway: dc1 } }',
    'grants: [{ name: g, to: [a], resources: [r], http: { methods: GET, paths: "/" }, require: { tunnel: 1 } }]',
    'tests: [{ user: a, groups: [], allow: ["r:GET", "r:/x", "r:GET/%", "r:GET/%00", ":GET/x"] }]',
    '\u0000\u0001', '\uFEFFgroups: {}', 'null', '~', '42', '"just a string"',
  ];
  for (const text of inputs) assertWellFormed(text);
  assert.equal(parsePolicy('['.repeat(20000)).ok, false);
  assert.equal(parsePolicy('groups: { 1: [alice] }').ok, true, 'numeric YAML keys are read as names');
  assert.equal(parsePolicy('groups: { g: [2] }').ok, false, 'members must be strings');
});
