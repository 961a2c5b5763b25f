// Table-driven tests of policy validation: every construct parses, and every kind of error
// is rejected with the line and path that name its place in the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, resourcesOf, gatewaysOf, evaluate, EMPTY_POSTURE } from './index.js';
import { createHash } from 'node:crypto';
import { editLines, testRejections, type RejectionCase } from '../../test/support/policies.js';

const BASE = `gateways: [dc1, dc2]
groups:
  engineering: [alice, bob]
  contractors: []
postures:
  managed:
    os: [linux, macos]
    min_client_version: "1.4.0"
    disk_encryption: true
resources:
  wiki: { address: 10.20.0.10, ports: [tcp/80, tcp/443], gateway: dc1 }
  db: { address: 10.20.1.0/24, ports: [tcp/5432], gateway: dc1 }
  app: { address: 10.40.0.10, ports: [tcp/8000-8099, icmp], gateway: dc2 }
grants:
  - name: eng-wiki
    to: [group:engineering]
    resources: [wiki]
    require: { mfa: true, posture: [managed] }
    session_ttl: 8h
    schedule: { days: [mon-fri], hours: "07:00-19:00", tz: Europe/Berlin }
  - name: carol-db
    to: [carol, group:contractors]
    resources: [db, app]
tests:
  - user: carol
    at: "2025-06-02T09:00:00Z"
    allow: [db:tcp/5432, app]
    deny: [wiki]
`;

/** BASE with the given 1-based lines replaced. */
const edit = (lines: Record<number, string>): string => editLines(BASE, lines);


const cases: RejectionCase[] = [
  { name: 'unknown top-level key', yaml: `${BASE}extra: 1\n`, line: 29, path: 'extra', message: /unknown key "extra"/ },
  { name: 'unknown resource key', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: dc1, owner: x }' }), line: 11, path: 'resources.wiki.owner', message: /unknown key "owner"/ },
  { name: 'unknown grant key', yaml: edit({ 19: '    ttl: 8h' }), line: 19, path: 'grants[0].ttl', message: /unknown key "ttl"/ },
  { name: 'unknown posture key', yaml: edit({ 9: '    encrypted: true' }), line: 9, path: 'postures.managed.encrypted', message: /unknown key/ },
  { name: 'unknown require key', yaml: edit({ 18: '    require: { mfa: true, approvers: [x] }' }), line: 18, path: 'grants[0].require.approvers', message: /unknown key/ },
  { name: 'unknown schedule key', yaml: edit({ 20: '    schedule: { days: [mon], zone: UTC }' }), line: 20, path: 'grants[0].schedule.zone', message: /unknown key/ },
  { name: 'unknown test key', yaml: edit({ 26: '    when: x' }), line: 26, path: 'tests[0].when', message: /unknown key/ },
  { name: 'unknown test posture key', yaml: edit({ 26: '    posture: { os: linux, tpm: true }' }), line: 26, path: 'tests[0].posture.tpm', message: /unknown key/ },
  { name: 'duplicate YAML key', yaml: edit({ 13: '  wiki: { address: 10.20.2.1, ports: [tcp/80], gateway: dc1 }' }), line: 13, path: '', message: /unique/ },
  { name: 'duplicate grant name', yaml: edit({ 21: '  - name: eng-wiki' }), line: 21, path: 'grants[1].name', message: /duplicate grant name "eng-wiki"/ },
  { name: 'duplicate group member', yaml: edit({ 3: '  engineering: [alice, bob, alice]' }), line: 3, path: 'groups.engineering[2]', message: /duplicate user "alice"/ },
  { name: 'duplicate gateway', yaml: edit({ 1: 'gateways: [dc1, dc2, dc1]' }), line: 1, path: 'gateways[2]', message: /duplicate gateway/ },
  { name: 'duplicate resource in grant', yaml: edit({ 23: '    resources: [db, app, db]' }), line: 23, path: 'grants[1].resources[2]', message: /duplicate resource/ },
  { name: 'unknown group in grant', yaml: edit({ 16: '    to: [group:engineers]' }), line: 16, path: 'grants[0].to[0]', message: /unknown group "engineers"/ },
  { name: 'unknown resource in grant', yaml: edit({ 17: '    resources: [wikki]' }), line: 17, path: 'grants[0].resources[0]', message: /unknown resource "wikki"/ },
  { name: 'unknown posture in grant', yaml: edit({ 18: '    require: { mfa: true, posture: [managd] }' }), line: 18, path: 'grants[0].require.posture[0]', message: /unknown posture "managd"/ },
  { name: 'invalid identity-provider group', yaml: edit({ 22: '    to: [carol, "group:idp:st aff"]' }), line: 22, path: 'grants[1].to[1]', message: /invalid identity-provider group name "st aff"/ },
  { name: 'empty identity-provider group', yaml: edit({ 22: '    to: [carol, "group:idp:"]' }), line: 22, path: 'grants[1].to[1]', message: /invalid identity-provider group name ""/ },
  { name: 'test with invalid identity-provider group', yaml: edit({ 26: '    groups: ["idp:a:b"]' }), line: 26, path: 'tests[0].groups[0]', message: /invalid identity-provider group name "a:b"/ },
  { name: 'invalid user name in grant', yaml: edit({ 22: '    to: ["car ol"]' }), line: 22, path: 'grants[1].to[0]', message: /invalid user name/ },
  { name: 'invalid group name key', yaml: edit({ 4: '  "contract ors": []' }), line: 4, path: 'groups["contract ors"]', message: /invalid group name/ },
  { name: 'prototype name', yaml: edit({ 4: '  __proto__: []' }), line: 4, path: 'groups.__proto__', message: /key "__proto__" is not allowed/ },
  { name: 'invalid IP', yaml: edit({ 11: '  wiki: { address: 10.20.0.256, ports: [tcp/80], gateway: dc1 }' }), line: 11, path: 'resources.wiki.address', message: /invalid IPv4 address/ },
  { name: 'shorthand IP', yaml: edit({ 11: '  wiki: { address: 10.20.1, ports: [tcp/80], gateway: dc1 }' }), line: 11, path: 'resources.wiki.address', message: /invalid IPv4 address/ },
  { name: 'loopback IP', yaml: edit({ 11: '  wiki: { address: 127.0.0.1, ports: [tcp/80], gateway: dc1 }' }), line: 11, path: 'resources.wiki.address', message: /loopback/ },
  { name: 'invalid CIDR prefix', yaml: edit({ 12: '  db: { address: 10.20.1.0/33, ports: [tcp/5432], gateway: dc1 }' }), line: 12, path: 'resources.db.address', message: /invalid CIDR/ },
  { name: 'CIDR with two prefixes', yaml: edit({ 12: '  db: { address: 10.20.1.0/2/4, ports: [tcp/5432], gateway: dc1 }' }), line: 12, path: 'resources.db.address', message: /invalid CIDR/ },
  { name: 'CIDR with host bits', yaml: edit({ 12: '  db: { address: 10.20.1.5/24, ports: [tcp/5432], gateway: dc1 }' }), line: 12, path: 'resources.db.address', message: /host bits are set \(did you mean 10\.20\.1\.0\/24/ },
  { name: 'IPv6 prefix with host bits', yaml: edit({ 12: '  db: { address: "fd20::1/64", ports: [tcp/5432], gateway: dc1 }' }), line: 12, path: 'resources.db.address', message: /invalid IPv6 prefix "fd20::1\/64": host bits are set \(did you mean fd20::\/64\?\)/ },
  { name: 'link-local IPv6 address', yaml: edit({ 12: '  db: { address: "fe80::1", ports: [tcp/5432], gateway: dc1 }' }), line: 12, path: 'resources.db.address', message: /is link-local/ },
  { name: 'wildcard of a top-level domain', yaml: edit({ 13: '  app: { address: "*.internal", ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /invalid wildcard "\*\.internal"/ },
  { name: 'unquoted wildcard (a YAML alias)', yaml: edit({ 13: '  app: { address: *.corp.internal, ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /quote a wildcard, e\.g\. "\*\.corp\.internal"/ },
  { name: 'invalid DNS name', yaml: edit({ 13: '  app: { address: app_server.internal, ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /invalid address/ },
  { name: 'overlapping CIDRs on different gateways', yaml: edit({ 13: '  app: { address: 10.20.1.128/25, ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /overlaps resource db \(10\.20\.1\.0\/24\) on gateway dc1/ },
  { name: 'same address on different gateways', yaml: edit({ 13: '  app: { address: 10.20.0.10, ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /overlaps resource wiki/ },
  { name: 'overlapping CIDRs with other standbys', yaml: edit({ 12: '  db: { address: 10.20.1.0/24, ports: [tcp/5432], gateway: [dc1, dc2] }', 13: '  app: { address: 10.20.1.128/25, ports: [icmp], gateway: dc1 }' }), line: 13, path: 'resources.app.address', message: /10\.20\.1\.128\/25 on gateway dc1 overlaps resource db \(10\.20\.1\.0\/24\) on gateways \[dc1, dc2\]: resources whose destinations overlap must have the same gateways/ },
  { name: 'same gateways in another order', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: [dc2, dc1] }', 13: '  app: { address: 10.20.0.0/16, ports: [icmp], gateway: [dc1, dc2] }' }), line: 13, path: 'resources.app.address', message: /overlaps resource wiki \(10\.20\.0\.10\) on gateways \[dc2, dc1\]/ },
  { name: 'overlapping IPv6 prefixes on different gateways', yaml: edit({ 11: '  wiki: { address: "fd20::10", ports: [tcp/80], gateway: dc1 }', 13: '  app: { address: "FD20::/64", ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /fd20::\/64 on gateway dc2 overlaps resource wiki \(fd20::10\) on gateway dc1/ },
  { name: 'same DNS name on different gateways', yaml: edit({ 11: '  wiki: { address: db.corp.internal, ports: [tcp/80], gateway: dc1 }', 13: '  app: { address: DB.corp.internal., ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /db\.corp\.internal on gateway dc2 overlaps resource wiki \(db\.corp\.internal\)/ },
  { name: 'a later name under an earlier wildcard', yaml: edit({ 11: '  wiki: { address: "*.corp.internal", ports: [tcp/80], gateway: dc1 }', 13: '  app: { address: a.b.corp.internal, ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /a\.b\.corp\.internal on gateway dc2 overlaps resource wiki \(\*\.corp\.internal\)/ },
  { name: 'a later wildcard over an earlier name', yaml: edit({ 11: '  wiki: { address: db.corp.internal, ports: [tcp/80], gateway: dc1 }', 13: '  app: { address: "*.corp.internal", ports: [icmp], gateway: dc2 }' }), line: 13, path: 'resources.app.address', message: /\*\.corp\.internal on gateway dc2 overlaps resource wiki \(db\.corp\.internal\)/ },
  { name: 'a wildcard within a wildcard', yaml: edit({ 11: '  wiki: { address: "*.eu.corp.internal", ports: [tcp/80], gateway: dc1 }', 13: '  app: { address: "*.corp.internal", ports: [icmp], gateway: [dc1, dc2] }' }), line: 13, path: 'resources.app.address', message: /overlaps resource wiki \(\*\.eu\.corp\.internal\) on gateway dc1/ },
  { name: 'standby on unknown gateway', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: [dc1, dc9] }' }), line: 11, path: 'resources.wiki.gateway[1]', message: /unknown gateway "dc9" \(declared gateways: dc1, dc2\)/ },
  { name: 'gateway listed twice', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: [dc1, dc2, dc1] }' }), line: 11, path: 'resources.wiki.gateway[2]', message: /duplicate gateway "dc1"/ },
  { name: 'empty gateway list', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: [] }' }), line: 11, path: 'resources.wiki.gateway', message: /gateway needs at least one gateway name/ },
  { name: 'five gateways', yaml: edit({ 1: 'gateways: [dc1, dc2, dc3, dc4, dc5]', 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: [dc1, dc2, dc3, dc4, dc5] }' }), line: 11, path: 'resources.wiki.gateway', message: /at most 4 gateways: a primary and up to 3 standbys/ },
  { name: 'gateway not a name', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: { primary: dc1 } }' }), line: 11, path: 'resources.wiki.gateway', message: /expected a gateway name or a list of 1-4 gateway names/ },
  { name: 'invalid gateway name', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: "dc 1" }' }), line: 11, path: 'resources.wiki.gateway', message: /invalid gateway name "dc 1"/ },
  { name: 'invalid standby name', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: [dc1, "dc 2"] }' }), line: 11, path: 'resources.wiki.gateway[1]', message: /invalid gateway name "dc 2"/ },
  { name: 'missing gateway', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80] }' }), line: 11, path: 'resources.wiki.gateway', message: /gateway name is required/ },
  { name: 'HTTP resource with standbys', yaml: edit({ 11: '  wiki: { http: { upstream: "http://10.20.0.10:8080", hostname: wiki.corp.example }, gateway: [dc1, dc2] }', 27: '    allow: [db:tcp/5432, app]' }), line: 11, path: 'resources.wiki.gateway', message: /an HTTP resource has one gateway \(its proxy serves the hostname\), not a list: write gateway: dc1/ },
  { name: 'HTTP resource with a one-item gateway list', yaml: edit({ 11: '  wiki: { http: { upstream: "http://10.20.0.10:8080", hostname: wiki.corp.example }, gateway: [dc1] }', 27: '    allow: [db:tcp/5432, app]' }), line: 11, path: 'resources.wiki.gateway', message: /an HTTP resource has one gateway .*, not a list: write gateway: dc1/ },
  { name: 'port 0', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/0], gateway: dc1 }' }), line: 11, path: 'resources.wiki.ports[0]', message: /ports are 1-65535/ },
  { name: 'port above 65535', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80, udp/65536], gateway: dc1 }' }), line: 11, path: 'resources.wiki.ports[1]', message: /ports are 1-65535/ },
  { name: 'reversed range', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/90-80], gateway: dc1 }' }), line: 11, path: 'resources.wiki.ports[0]', message: /90 is above 80/ },
  { name: 'unknown protocol', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [http/80], gateway: dc1 }' }), line: 11, path: 'resources.wiki.ports[0]', message: /invalid port "http\/80"/ },
  { name: 'bare number port', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [443], gateway: dc1 }' }), line: 11, path: 'resources.wiki.ports[0]', message: /expected a port like tcp\/443/ },
  { name: 'duplicate port', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80, tcp/80], gateway: dc1 }' }), line: 11, path: 'resources.wiki.ports[1]', message: /duplicate port/ },
  { name: 'overlapping ports', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80, tcp/1-100], gateway: dc1 }' }), line: 11, path: 'resources.wiki.ports[1]', message: /tcp\/1-100 overlaps tcp\/80/ },
  { name: 'no ports', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [], gateway: dc1 }' }), line: 11, path: 'resources.wiki.ports', message: /at least one port/ },
  { name: 'missing address', yaml: edit({ 11: '  wiki: { ports: [tcp/80], gateway: dc1 }' }), line: 11, path: 'resources.wiki.address', message: /expected an address/ },
  { name: 'resource on unknown gateway', yaml: edit({ 11: '  wiki: { address: 10.20.0.10, ports: [tcp/80], gateway: dc9 }' }), line: 11, path: 'resources.wiki.gateway', message: /unknown gateway "dc9" \(declared gateways: dc1, dc2\)/ },
  { name: 'empty to', yaml: edit({ 16: '    to: []' }), line: 16, path: 'grants[0].to', message: /empty grant/ },
  { name: 'missing to', yaml: edit({ 16: '' }), line: 15, path: 'grants[0].to', message: /empty grant: `to`/ },
  { name: 'empty resources', yaml: edit({ 17: '    resources: []' }), line: 17, path: 'grants[0].resources', message: /empty grant/ },
  { name: 'missing resources', yaml: edit({ 23: '' }), line: 21, path: 'grants[1].resources', message: /empty grant: `resources`/ },
  { name: 'grant not a mapping', yaml: edit({ 21: '  - carol-db', 22: '', 23: '' }), line: 21, path: 'grants[1]', message: /expected a grant/ },
  { name: 'bad duration', yaml: edit({ 19: '    session_ttl: 8 hours' }), line: 19, path: 'grants[0].session_ttl', message: /invalid duration "8 hours"/ },
  { name: 'zero duration', yaml: edit({ 19: '    session_ttl: 0s' }), line: 19, path: 'grants[0].session_ttl', message: /longer than 0/ },
  { name: 'too long duration', yaml: edit({ 19: '    session_ttl: 400d' }), line: 19, path: 'grants[0].session_ttl', message: /at most 365d/ },
  { name: 'numeric duration', yaml: edit({ 19: '    session_ttl: 3600' }), line: 19, path: 'grants[0].session_ttl', message: /expected a duration/ },
  { name: 'bad time zone', yaml: edit({ 20: '    schedule: { days: [mon-fri], hours: "07:00-19:00", tz: Europe/Berlni }' }), line: 20, path: 'grants[0].schedule.tz', message: /unknown time zone "Europe\/Berlni"/ },
  { name: 'bad hours format', yaml: edit({ 20: '    schedule: { hours: "7:00-19:00" }' }), line: 20, path: 'grants[0].schedule.hours', message: /invalid hours/ },
  { name: 'hours past 24', yaml: edit({ 20: '    schedule: { hours: "07:00-25:00" }' }), line: 20, path: 'grants[0].schedule.hours', message: /invalid hours/ },
  { name: 'empty hours window', yaml: edit({ 20: '    schedule: { hours: "19:00-19:00" }' }), line: 20, path: 'grants[0].schedule.hours', message: /window is empty/ },
  { name: 'bad day', yaml: edit({ 20: '    schedule: { days: [mon, funday] }' }), line: 20, path: 'grants[0].schedule.days', message: /invalid day "funday"/ },
  { name: 'day twice', yaml: edit({ 20: '    schedule: { days: [mon-fri, wed] }' }), line: 20, path: 'grants[0].schedule.days', message: /day wed is listed twice/ },
  { name: 'mfa not boolean', yaml: edit({ 18: '    require: { mfa: "yes" }' }), line: 18, path: 'grants[0].require.mfa', message: /expected true or false/ },
  { name: 'unquoted version', yaml: edit({ 8: '    min_client_version: 1.4' }), line: 8, path: 'postures.managed.min_client_version', message: /quoted string/ },
  { name: 'bad version', yaml: edit({ 8: '    min_client_version: "one"' }), line: 8, path: 'postures.managed.min_client_version', message: /invalid a client version "one"/ },
  { name: 'upper-case OS', yaml: edit({ 7: '    os: [Linux]' }), line: 7, path: 'postures.managed.os[0]', message: /lower case/ },
  { name: 'groups as a list', yaml: edit({ 2: 'groups: [alice]', 3: '', 4: '' }), line: 2, path: 'groups', message: /mapping of group name to users/ },
  { name: 'test with unknown user', yaml: edit({ 25: '  - user: mallory' }), line: 25, path: 'tests[0].user', message: /unknown user "mallory"/ },
  { name: 'test with unknown resource', yaml: edit({ 27: '    allow: [db:tcp/5432, wikki]' }), line: 27, path: 'tests[0].allow[1]', message: /unknown resource "wikki"/ },
  { name: 'test with unknown group', yaml: edit({ 26: '    groups: [nope]' }), line: 26, path: 'tests[0].groups[0]', message: /unknown group "nope"/ },
  { name: 'test with bad item', yaml: edit({ 28: '    deny: [wiki:tcp/abc]' }), line: 28, path: 'tests[0].deny[0]', message: /invalid port "tcp\/abc"/ },
  { name: 'test item in allow and deny', yaml: edit({ 28: '    deny: [db:tcp/5432]' }), line: 28, path: 'tests[0].deny[0]', message: /both allow and deny/ },
  { name: 'test without expectations', yaml: edit({ 27: '', 28: '' }), line: 25, path: 'tests[0]', message: /at least one allow or deny/ },
  { name: 'test with bad time', yaml: edit({ 26: '    at: yesterday' }), line: 26, path: 'tests[0].at', message: /ISO 8601/ },
  { name: 'document not a mapping', yaml: '- a\n- b\n', line: 1, path: '', message: /a policy file is a mapping/ },
  { name: 'YAML syntax error', yaml: edit({ 3: '  engineering: [alice, bob' }), line: 4, path: '', message: /YAML/ },
  { name: 'tabs as indentation', yaml: edit({ 3: '\tengineering: [alice]' }), line: 3, path: '', message: /YAML/ },
  { name: 'several documents', yaml: `${BASE}---\ngroups: {}\n`, line: 29, path: '', message: /multiple documents/ },
  { name: 'too large', yaml: `# ${'x'.repeat(1024 * 1024)}\n`, line: 0, path: '', message: /larger than/ },
];

testRejections(cases);

test('the base policy is valid and compiles every construct', () => {
  const result = parsePolicy(BASE);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  const p = result.policy;
  assert.equal(p.source, BASE);
  assert.equal(p.sha256, createHash('sha256').update(BASE).digest('hex'));
  assert.deepEqual(gatewaysOf(p), ['dc1', 'dc2']);
  assert.deepEqual(resourcesOf(p), [
    { name: 'wiki', address: '10.20.0.10', ports: ['tcp/80', 'tcp/443'], gateway: 'dc1', standbyGateways: [], http: null },
    { name: 'db', address: '10.20.1.0/24', ports: ['tcp/5432'], gateway: 'dc1', standbyGateways: [], http: null },
    { name: 'app', address: '10.40.0.10', ports: ['tcp/8000-8099', 'icmp'], gateway: 'dc2', standbyGateways: [], http: null },
  ]);
  const [eng, carol] = p.grants;
  assert.deepEqual({ ...eng, schedule: undefined }, {
    name: 'eng-wiki', index: 0, users: [], groups: ['engineering'], resources: ['wiki'], mfa: true,
    postures: ['managed'], tunnel: false, http: null, sessionTtlMs: 8 * 3_600_000, schedule: undefined, requestable: null,
  });
  assert.deepEqual(eng!.schedule, {
    days: [false, true, true, true, true, true, false], start: 420, end: 1140, tz: 'Europe/Berlin', text: 'mon-fri 07:00-19:00 Europe/Berlin',
  });
  assert.deepEqual(carol!.users, ['carol']);
  assert.deepEqual(carol!.groups, ['contractors']);
  assert.deepEqual(p.postures.get('managed'), { name: 'managed', os: ['linux', 'macos'], minClientVersion: '1.4.0', minOsVersion: undefined, diskEncryption: true, firewall: undefined });
  assert.deepEqual([...p.users].sort(), ['alice', 'bob', 'carol']);
  assert.deepEqual(p.tests[0]!.allow.map((x) => [x.item.text, x.line]), [['db:tcp/5432', 27], ['app', 27]]);
  assert.equal(p.tests[0]!.at?.toISOString(), '2025-06-02T09:00:00.000Z');
});

const valid: { name: string; yaml: string }[] = [
  { name: 'empty file (denies everything)', yaml: '' },
  { name: 'comments only', yaml: '# nothing yet\n' },
  { name: 'no gateways key: gateways come from resources', yaml: edit({ 1: '' }) },
  { name: 'overlapping CIDRs on the same gateway', yaml: edit({ 13: '  app: { address: 10.20.1.128/25, ports: [icmp], gateway: dc1 }' }) },
  { name: 'adjacent CIDRs on different gateways', yaml: edit({ 13: '  app: { address: 10.20.2.0/24, ports: [icmp], gateway: dc2 }' }) },
  { name: 'overlapping CIDRs on the same gateway list', yaml: edit({ 12: '  db: { address: 10.20.1.0/24, ports: [tcp/5432], gateway: [dc1, dc2] }', 13: '  app: { address: 10.20.1.128/25, ports: [icmp], gateway: [dc1, dc2] }' }) },
  // ::a14:a is 10.20.0.10's number: the families are compared apart, never as numbers.
  { name: 'an IPv4 and an IPv6 resource on different gateways', yaml: edit({ 13: '  app: { address: "::a14:0/112", ports: [icmp], gateway: dc2 }' }) },
  { name: 'adjacent IPv6 prefixes on different gateways', yaml: edit({ 11: '  wiki: { address: "fd20::/64", ports: [tcp/80], gateway: dc1 }', 13: '  app: { address: "fd20:0:0:1::/64", ports: [icmp], gateway: dc2 }' }) },
  { name: 'a name and an address on different gateways (unknowable)', yaml: edit({ 13: '  app: { address: db.corp.internal, ports: [icmp], gateway: dc2 }' }) },
  { name: 'a wildcard and its apex on different gateways', yaml: edit({ 11: '  wiki: { address: corp.internal, ports: [tcp/80], gateway: dc1 }', 13: '  app: { address: "*.corp.internal", ports: [icmp], gateway: dc2 }' }) },
  { name: 'sibling names and wildcards on different gateways', yaml: edit({ 11: '  wiki: { address: "*.eu.corp.internal", ports: [tcp/80], gateway: dc1 }', 13: '  app: { address: "*.us.corp.internal", ports: [icmp], gateway: dc2 }' }) },
  { name: 'a name under a wildcard on the same gateways', yaml: edit({ 11: '  wiki: { address: "*.corp.internal", ports: [tcp/80], gateway: [dc1, dc2] }', 13: '  app: { address: db.corp.internal, ports: [icmp], gateway: [dc1, dc2] }' }) },
  { name: 'overnight hours and 24:00', yaml: edit({ 20: '    schedule: { days: [fri-mon], hours: "22:00-06:00" }' }) },
  { name: 'hours until midnight', yaml: edit({ 20: '    schedule: { hours: "18:00-24:00", tz: America/New_York }' }) },
  { name: 'test of a directory-only user', yaml: edit({ 25: '  - user: dave\n    groups: [contractors]' }) },
  { name: 'test of an outsider with groups: []', yaml: edit({ 25: '  - user: mallory\n    groups: []', 27: '    deny: [db, app]', 28: '' }) },
  { name: 'test with posture, mfa and udp/icmp items', yaml: edit({ 26: '    posture: { os: linux, os_version: "6.1.0-18-amd64", client_version: "1.5.0", disk_encryption: true, firewall: false, hostname: h }\n    mfa: false' }) },
  { name: 'every posture field', yaml: edit({ 9: '    disk_encryption: true\n    firewall: true\n    min_os_version: "6.1"' }) },
];

for (const c of valid) {
  test(`accepts: ${c.name}`, () => {
    const result = parsePolicy(c.yaml);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  });
}

test('gatewaysOf without a gateways key lists the gateways resources use, sorted', () => {
  const result = parsePolicy(edit({ 1: '' }));
  assert.ok(result.ok);
  assert.deepEqual(gatewaysOf(result.policy), ['dc1', 'dc2']);
});

test('gateway lists compile to the primary and the standbys in order; without a gateways key the standbys are gateways too', () => {
  const result = parsePolicy(edit({ 1: '', 12: '  db: { address: "FD20::/64", ports: [tcp/5432], gateway: [dc3, dc1, dc2] }' }));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  const db = result.policy.resources.get('db')!;
  assert.deepEqual([db.gateway, db.standbyGateways], ['dc3', ['dc1', 'dc2']]);
  assert.deepEqual(result.policy.resources.get('wiki')!.standbyGateways, []);
  assert.deepEqual(gatewaysOf(result.policy), ['dc1', 'dc2', 'dc3']);
  assert.deepEqual(resourcesOf(result.policy)[1], { name: 'db', address: 'fd20::/64', ports: ['tcp/5432'], gateway: 'dc3', standbyGateways: ['dc1', 'dc2'], http: null });
});

test('errors are reported together and in line order', () => {
  const result = parsePolicy(edit({ 17: '    resources: [wikki]', 16: '    to: [group:nobody]' }));
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(result.errors.map((e) => [e.line, e.path]), [[16, 'grants[0].to[0]'], [17, 'grants[0].resources[0]']]);
});

test('identity-provider groups need no declaration and match the subject\'s idp: groups', () => {
  const result = parsePolicy(edit({
    22: '    to: [carol, group:idp:/eng/sre, group:contractors]',
    26: '    groups: [idp:/eng/sre]',
    25: '  - user: dave',
  }));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  assert.deepEqual(result.policy.grants[1]!.groups, ['idp:/eng/sre', 'contractors']);
  assert.deepEqual(result.policy.index.grantsOfGroup.get('idp:/eng/sre'), [1]);
  const grantsFor = (groups: string[]) => [...new Set(evaluate(result.policy, { user: 'dave', groups, mfa: false, posture: EMPTY_POSTURE, now: new Date('2025-06-02T09:00:00Z') }).entitlements.map((e) => e.grant))];
  assert.deepEqual(grantsFor(['idp:/eng/sre']), ['carol-db']);
  // A directory group of the same name is a different group.
  assert.deepEqual(grantsFor(['/eng/sre', 'idp:/eng/other']), []);
});
