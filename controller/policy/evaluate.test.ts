// Table-driven tests of evaluation: who gets which entitlements through which grant, and
// which denial (with its code) every other resource gets, for every construct of the language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_POSTURE, evaluate, matchingEntitlements, parsePolicy, type Policy, type Posture, type Subject } from './index.js';
import { DB, policyYaml, WIKI } from '../../test/support/policies.js';

const POLICY = policyYaml({
  groups: { engineering: ['alice', 'bob'], ops: ['erin'], contractors: [] },
  postures: {
    managed: { os: '[linux, macos]', disk_encryption: 'true', firewall: 'true' },
    current: { min_client_version: '"1.4.0"', min_os_version: '"6.1"' },
  },
  resources: {
    wiki: { ...WIKI, ports: ['tcp/80', 'tcp/443'] },
    db: DB,
    app: { address: '10.40.0.10', ports: ['tcp/8000-8099', 'udp/53', 'icmp'], gateway: 'dc2' },
    vault: { address: '10.30.0.5', ports: ['tcp/8200'], gateway: 'dc2' },
    secret: { address: '10.30.0.6', ports: ['tcp/22'], gateway: 'dc2' },
  },
  grants: [
    { name: 'eng-wiki', to: ['group:engineering'], resources: ['wiki'] },
    { name: 'eng-app-managed', to: ['group:engineering'], resources: ['app'], require: '{ posture: [managed, current] }' },
    { name: 'ops-db', to: ['group:ops', 'carol'], resources: ['db'], require: '{ mfa: true }', session_ttl: '30m' },
    { name: 'contractors-wiki', to: ['group:contractors'], resources: ['wiki'], schedule: '{ days: [mon-fri], hours: "09:00-17:00", tz: UTC }', session_ttl: '12h' },
    { name: 'ops-vault-hours', to: ['group:ops'], resources: ['vault'], schedule: '{ days: [mon-fri], hours: "08:00-18:00", tz: Europe/Berlin }' },
  ],
});

function policy(): Policy {
  const r = parsePolicy(POLICY);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}

const MON_10_UTC = new Date('2025-06-02T10:00:00Z'); // a Monday
const SAT_10_UTC = new Date('2025-06-07T10:00:00Z');
const GOOD: Posture = { ...EMPTY_POSTURE, os: 'linux', osVersion: '6.8.0-31-generic', clientVersion: '1.4.2', diskEncryption: 'true', firewall: 'true' };

function subject(over: Partial<Subject>): Subject {
  return { user: 'nobody', groups: [], mfa: true, posture: EMPTY_POSTURE, now: MON_10_UTC, ...over };
}

interface Case {
  name: string;
  subject: Subject;
  /** "resource:proto/ports@grant" for each entitlement, in order. */
  allowed: string[];
  /** resource -> denial code for every resource not allowed. */
  denied: Record<string, string>;
  /** Fragments the denial message of a resource must contain. */
  messages?: Record<string, RegExp>;
  expires?: Record<string, number | null>;
}

const cases: Case[] = [
  {
    name: 'a user in no group and no grant is denied everything',
    subject: subject({ user: 'mallory' }),
    allowed: [],
    denied: { wiki: 'missing_group', db: 'missing_group', app: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    messages: { secret: /no grant gives access to secret/, db: /granted only to group:ops, carol \(grant ops-db\)/ },
  },
  {
    name: 'policy group membership grants; unmet posture denies with the failing checks',
    subject: subject({ user: 'alice' }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki'],
    denied: { db: 'missing_group', app: 'posture', vault: 'missing_group', secret: 'no_grant' },
    messages: { app: /grant eng-app-managed: posture managed: os is unknown \(requires one of linux, macos\); posture managed: disk_encryption is unknown \(requires true\); posture managed: firewall is unknown.*posture current: client_version is unknown \(requires at least 1\.4\.0\); posture current: os_version is unknown/ },
    expires: { wiki: null },
  },
  {
    name: 'a satisfied posture grants every port of the resource',
    subject: subject({ user: 'bob', posture: GOOD }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki', 'app:tcp/8000-8099@eng-app-managed', 'app:udp/53-53@eng-app-managed', 'app:icmp/0-0@eng-app-managed'],
    denied: { db: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
  },
  {
    name: 'posture: wrong OS',
    subject: subject({ user: 'bob', posture: { ...GOOD, os: 'windows' } }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki'],
    denied: { app: 'posture', db: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    messages: { app: /^grant eng-app-managed: posture managed: os is "windows" \(requires one of linux, macos\)$/ },
  },
  {
    name: 'posture: OS names compare case-insensitively',
    subject: subject({ user: 'bob', posture: { ...GOOD, os: 'Linux' } }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki', 'app:tcp/8000-8099@eng-app-managed', 'app:udp/53-53@eng-app-managed', 'app:icmp/0-0@eng-app-managed'],
    denied: { db: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
  },
  {
    name: 'posture: disk encryption off',
    subject: subject({ user: 'bob', posture: { ...GOOD, diskEncryption: 'false' } }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki'],
    denied: { app: 'posture', db: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    messages: { app: /disk_encryption is "false" \(requires true\)$/ },
  },
  {
    name: 'posture: firewall unknown',
    subject: subject({ user: 'bob', posture: { ...GOOD, firewall: '' } }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki'],
    denied: { app: 'posture', db: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    messages: { app: /firewall is unknown \(requires true\)$/ },
  },
  {
    name: 'posture: client version below the minimum, and a pre-release of the minimum',
    subject: subject({ user: 'bob', posture: { ...GOOD, clientVersion: '1.4.0-rc.1' } }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki'],
    denied: { app: 'posture', db: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    messages: { app: /client_version is "1\.4\.0-rc\.1" \(requires at least 1\.4\.0\)$/ },
  },
  {
    name: 'posture: kernel release below the minimum OS version',
    subject: subject({ user: 'bob', posture: { ...GOOD, osVersion: '5.15.0-91-generic' } }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki'],
    denied: { app: 'posture', db: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    messages: { app: /os_version is "5\.15\.0-91-generic" \(requires at least 6\.1\)$/ },
  },
  {
    name: 'posture: kernel release exactly the minimum with a suffix passes',
    subject: subject({ user: 'bob', posture: { ...GOOD, osVersion: '6.1.0-18-amd64', clientVersion: '1.4.0' } }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki', 'app:tcp/8000-8099@eng-app-managed', 'app:udp/53-53@eng-app-managed', 'app:icmp/0-0@eng-app-managed'],
    denied: { db: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
  },
  {
    name: 'a user named directly; MFA required and used; session_ttl sets the expiry',
    subject: subject({ user: 'carol' }),
    allowed: ['db:tcp/5432-5432@ops-db'],
    denied: { wiki: 'missing_group', app: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    expires: { db: MON_10_UTC.getTime() + 30 * 60_000 },
  },
  {
    name: 'MFA required but not used',
    subject: subject({ user: 'carol', mfa: false }),
    allowed: [],
    denied: { db: 'mfa', wiki: 'missing_group', app: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    messages: { db: /^grant ops-db: MFA required but the login did not use MFA$/ },
  },
  {
    name: 'a directory group declared in the policy grants, within its schedule; TTL is earlier than the window end',
    subject: subject({ user: 'dave', groups: ['contractors'] }),
    allowed: ['wiki:tcp/80-80@contractors-wiki', 'wiki:tcp/443-443@contractors-wiki'],
    denied: { db: 'missing_group', app: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    expires: { wiki: Date.parse('2025-06-02T17:00:00Z') },
  },
  {
    name: 'outside the schedule',
    subject: subject({ user: 'dave', groups: ['contractors'], now: SAT_10_UTC }),
    allowed: [],
    denied: { wiki: 'schedule', db: 'missing_group', app: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
    messages: { wiki: /^grant contractors-wiki: outside schedule mon-fri 09:00-17:00 UTC$/ },
  },
  {
    name: 'directory groups the policy does not declare are ignored',
    subject: subject({ user: 'dave', groups: ['engineering-typo', 'admins'] }),
    allowed: [],
    denied: { wiki: 'missing_group', db: 'missing_group', app: 'missing_group', vault: 'missing_group', secret: 'no_grant' },
  },
  {
    name: 'several grants on one resource: each entitlement names its grant; a failing grant does not hide a passing one',
    subject: subject({ user: 'alice', groups: ['contractors'] }),
    allowed: ['wiki:tcp/80-80@eng-wiki', 'wiki:tcp/443-443@eng-wiki', 'wiki:tcp/80-80@contractors-wiki', 'wiki:tcp/443-443@contractors-wiki'],
    denied: { db: 'missing_group', app: 'posture', vault: 'missing_group', secret: 'no_grant' },
  },
  {
    name: 'group and direct naming combine; schedule in another time zone (10:00 UTC = 12:00 Berlin)',
    subject: subject({ user: 'erin' }),
    allowed: ['db:tcp/5432-5432@ops-db', 'vault:tcp/8200-8200@ops-vault-hours'],
    denied: { wiki: 'missing_group', app: 'missing_group', secret: 'no_grant' },
    expires: { vault: Date.parse('2025-06-02T16:00:00Z') },
  },
  {
    name: 'the first failing grant decides the denial code; the message names every grant',
    subject: subject({ user: 'erin', mfa: false, now: new Date('2025-06-02T17:30:00Z'), groups: [] }),
    allowed: [],
    denied: { db: 'mfa', vault: 'schedule', wiki: 'missing_group', app: 'missing_group', secret: 'no_grant' },
  },
];

const key = (e: { resource: string; protocol: string; portFrom: number; portTo: number; grant: string }) => `${e.resource}:${e.protocol}/${e.portFrom}-${e.portTo}@${e.grant}`;

for (const c of cases) {
  test(`evaluate: ${c.name}`, () => {
    const p = policy();
    const result = evaluate(p, c.subject);
    assert.deepEqual(result.entitlements.map(key), c.allowed);
    assert.deepEqual(Object.fromEntries(result.denials.map((d) => [d.resource, d.code])), c.denied);
    for (const [resource, re] of Object.entries(c.messages ?? {})) {
      const d = result.denials.find((x) => x.resource === resource);
      assert.match(d?.message ?? '', re);
    }
    for (const [resource, at] of Object.entries(c.expires ?? {})) {
      for (const e of result.entitlements.filter((x) => x.resource === resource)) assert.equal(e.expiresAt, at, `${resource} expiry`);
    }
    // Every resource is either entitled or denied, never both.
    const entitled = new Set(result.entitlements.map((e) => e.resource));
    for (const d of result.denials) assert.ok(!entitled.has(d.resource));
    assert.equal(entitled.size + result.denials.length, p.resources.size);
  });
}

test('entitlements carry the gateway and the normalised destination', () => {
  const result = evaluate(policy(), subject({ user: 'bob', posture: GOOD }));
  const app = result.entitlements.find((e) => e.resource === 'app' && e.protocol === 'udp');
  assert.deepEqual(app, { resource: 'app', gateway: 'dc2', standbyGateways: [], destination: '10.40.0.10', protocol: 'udp', portFrom: 53, portTo: 53, grant: 'eng-app-managed', expiresAt: null, http: null });
});

test('matchingEntitlements: exact address, CIDR, protocol and port', () => {
  const result = evaluate(policy(), subject({ user: 'erin' }));
  assert.deepEqual(matchingEntitlements(result.entitlements, '10.20.1.77', 'tcp', 5432).map((e) => e.resource), ['db']);
  assert.deepEqual(matchingEntitlements(result.entitlements, '10.20.1.77', 'udp', 5432), []);
  assert.deepEqual(matchingEntitlements(result.entitlements, '10.20.1.77', 'tcp', 5433), []);
  assert.deepEqual(matchingEntitlements(result.entitlements, '10.30.0.5', 'tcp', 8200).map((e) => e.grant), ['ops-vault-hours']);
  assert.deepEqual(matchingEntitlements(result.entitlements, '10.30.0.6', 'tcp', 8200), []);
  const bob = evaluate(policy(), subject({ user: 'bob', posture: GOOD }));
  assert.equal(matchingEntitlements(bob.entitlements, '10.40.0.10', 'icmp').length, 1);
  assert.equal(matchingEntitlements(bob.entitlements, '10.40.0.11', 'icmp').length, 0);
  assert.equal(matchingEntitlements(bob.entitlements, 'app.internal', 'icmp').length, 0, 'a name matches no numeric resource');
});

test('evaluation does not depend on the order directory groups are given in', () => {
  const p = policy();
  const a = evaluate(p, subject({ user: 'erin', groups: ['contractors', 'engineering'] }));
  const b = evaluate(p, subject({ user: 'erin', groups: ['engineering', 'contractors'] }));
  assert.deepEqual(a, b);
});

const EVERY_KIND = policyYaml({
  gateways: ['dc1a', 'dc1b', 'dc2'],
  groups: { engineering: ['alice'] },
  resources: {
    db: { address: '10.20.1.0/24', ports: ['tcp/5432'], gateway: '[dc1a, dc1b]' },
    api: { address: '"FD20:0::10"', ports: ['tcp/443'], gateway: '[dc2, dc1b, dc1a]' },
    net6: { address: '"fd30::/64"', ports: ['icmp'], gateway: 'dc2' },
    app: { address: 'APP.corp.internal.', ports: ['tcp/8443'], gateway: 'dc1a' },
    web: { address: '"*.web.corp.internal"', ports: ['tcp/443'], gateway: '[dc1b, dc2]' },
  },
  grants: [{ name: 'eng', to: ['group:engineering'], resources: ['db', 'api', 'net6', 'app', 'web'] }],
});

function everyKind(): Policy {
  const r = parsePolicy(EVERY_KIND);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}

test('a gateway list gives the primary as the gateway and the rest as standbys, in order; destinations are canonical', () => {
  const { entitlements } = evaluate(everyKind(), subject({ user: 'alice' }));
  assert.deepEqual(entitlements.map((e) => [e.resource, e.destination, e.gateway, e.standbyGateways]), [
    ['db', '10.20.1.0/24', 'dc1a', ['dc1b']],
    ['api', 'fd20::10', 'dc2', ['dc1b', 'dc1a']],
    ['net6', 'fd30::/64', 'dc2', []],
    ['app', 'app.corp.internal', 'dc1a', []],
    ['web', '*.web.corp.internal', 'dc1b', ['dc2']],
  ]);
  // Each entitlement has its own copy: a caller editing one cannot change the policy.
  entitlements[0]!.standbyGateways.push('x');
  assert.deepEqual(everyKind().resources.get('db')!.standbyGateways, ['dc1b']);
  const again = evaluate(everyKind(), subject({ user: 'alice' }));
  assert.deepEqual(again.entitlements[0]!.standbyGateways, ['dc1b']);
});

test('matchingEntitlements: IPv6 addresses match IPv6 resources, names match names and wildcards', () => {
  const { entitlements } = evaluate(everyKind(), subject({ user: 'alice' }));
  const hits = (destination: string, protocol: 'tcp' | 'icmp', port?: number) => matchingEntitlements(entitlements, destination, protocol, port).map((e) => e.resource);
  assert.deepEqual(hits('fd20::10', 'tcp', 443), ['api']);
  assert.deepEqual(hits('FD20:0:0:0:0:0:0:10', 'tcp', 443), ['api']);
  assert.deepEqual(hits('fd20::11', 'tcp', 443), []);
  assert.deepEqual(hits('fd20::10', 'tcp', 444), []);
  assert.deepEqual(hits('fd30::ffff:ffff:ffff:ffff', 'icmp'), ['net6']);
  assert.deepEqual(hits('fd30:0:0:1::', 'icmp'), []);
  assert.deepEqual(hits('::ffff:10.20.1.5', 'tcp', 5432), [], 'an IPv4-mapped address is not the IPv4 resource');
  assert.deepEqual(hits('10.20.1.5', 'tcp', 5432), ['db']);
  assert.deepEqual(hits('App.Corp.Internal.', 'tcp', 8443), ['app']);
  assert.deepEqual(hits('x.app.corp.internal', 'tcp', 8443), []);
  assert.deepEqual(hits('a.b.web.corp.internal', 'tcp', 443), ['web']);
  assert.deepEqual(hits('web.corp.internal', 'tcp', 443), [], 'a wildcard does not cover its apex');
});
