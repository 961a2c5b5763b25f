// Table tests of resource addresses: every accepted form with its canonical text and range,
// every refusal with its reason, and which destinations lie within each form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressContains, parseResourceAddress, type ResourceAddress } from './address.js';

const V6_BASE = 0xfd20n << 112n;

const accepted: { input: string; expect: ResourceAddress }[] = [
  { input: '10.20.0.10', expect: { kind: 'ip', text: '10.20.0.10', first: 0x0a14000a, last: 0x0a14000a } },
  { input: ' 10.20.1.0/24 ', expect: { kind: 'cidr', text: '10.20.1.0/24', first: 0x0a140100, last: 0x0a1401ff } },
  { input: '0.0.0.0/0', expect: { kind: 'cidr', text: '0.0.0.0/0', first: 0, last: 0xffffffff } },
  { input: 'fd20::10', expect: { kind: 'ip6', text: 'fd20::10', first: V6_BASE + 0x10n, last: V6_BASE + 0x10n } },
  { input: 'FD20:0:0:0:0:0:0:10', expect: { kind: 'ip6', text: 'fd20::10', first: V6_BASE + 0x10n, last: V6_BASE + 0x10n } },
  { input: '2001:db8:0:0:1:0:0:1', expect: { kind: 'ip6', text: '2001:db8::1:0:0:1', first: 0x20010db8000000000001000000000001n, last: 0x20010db8000000000001000000000001n } },
  { input: 'fd20:0::/64', expect: { kind: 'cidr6', text: 'fd20::/64', first: V6_BASE, last: V6_BASE + (1n << 64n) - 1n } },
  { input: 'fd20::10/128', expect: { kind: 'cidr6', text: 'fd20::10/128', first: V6_BASE + 0x10n, last: V6_BASE + 0x10n } },
  { input: '::/0', expect: { kind: 'cidr6', text: '::/0', first: 0n, last: (1n << 128n) - 1n } },
  // Wider than link-local (fe80::/10), as ::/0 is: a refused range refuses only what lies inside it.
  { input: 'fe80::/9', expect: { kind: 'cidr6', text: 'fe80::/9', first: 0xfe80n << 112n, last: (0xff00n << 112n) - 1n } },
  { input: 'DB.Corp.Internal.', expect: { kind: 'name', text: 'db.corp.internal' } },
  { input: 'app-1.eu.example.com', expect: { kind: 'name', text: 'app-1.eu.example.com' } },
  { input: '*.Corp.Internal', expect: { kind: 'wildcard', text: '*.corp.internal' } },
];

for (const c of accepted) {
  test(`address ${JSON.stringify(c.input)} is ${c.expect.kind} ${c.expect.text}`, () => {
    assert.deepEqual(parseResourceAddress(c.input), c.expect);
  });
}

const refused: { input: string; reason: RegExp }[] = [
  // IPv4, with the messages it always had.
  { input: '10.20.0.256', reason: /^invalid IPv4 address "10\.20\.0\.256"$/ },
  { input: '10.20.1', reason: /^invalid IPv4 address/ },
  { input: '0x0a.1.2.3', reason: /^invalid IPv4 address/ },
  { input: '127.0.0.1', reason: /is loopback and cannot be a resource/ },
  { input: '10.20.1.0/33', reason: /^invalid CIDR "10\.20\.1\.0\/33": use an IPv4 network like 10\.20\.1\.0\/24$/ },
  { input: '10.20.1.0/abc', reason: /^invalid CIDR/ },
  { input: '10.20.1.5/24', reason: /host bits are set \(did you mean 10\.20\.1\.0\/24\?\)/ },
  // IPv6.
  { input: 'fd20::1/64', reason: /^invalid IPv6 prefix "fd20::1\/64": host bits are set \(did you mean fd20::\/64\?\)$/ },
  { input: 'fd20::/129', reason: /^invalid IPv6 prefix "fd20::\/129": the length after "\/" is 0-128/ },
  { input: 'fd20::/064', reason: /^invalid IPv6 prefix/ },
  { input: 'fd20::/64/8', reason: /^invalid IPv6 prefix/ },
  { input: 'fd20:::1', reason: /^invalid IPv6 address "fd20:::1"/ },
  { input: 'fd20::1::2', reason: /^invalid IPv6 address/ },
  { input: '::', reason: /is the unspecified address and cannot be a resource/ },
  { input: '::1', reason: /is the loopback address/ },
  { input: '::1/128', reason: /is the loopback address/ },
  { input: 'ff02::1', reason: /is multicast/ },
  { input: 'ff00::/8', reason: /is multicast/ },
  { input: 'fe80::1', reason: /is link-local/ },
  { input: 'fe80::/64', reason: /is link-local/ },
  { input: 'fe80::1%eth0', reason: /^invalid address "fe80::1%eth0": use an IPv4 address or CIDR/ },
  { input: '::ffff:10.20.0.10', reason: /is IPv4-mapped \(name the IPv4 address instead\)/ },
  // Names and wildcards.
  { input: 'db.corp.internal:5432', reason: /^invalid address "db\.corp\.internal:5432": use an IPv4 address or CIDR .* a DNS name \(db\.corp\.internal\) or a wildcard/ },
  { input: 'app_server.internal', reason: /^invalid address "app_server\.internal"/ },
  { input: 'db', reason: /^invalid address "db"/ },
  { input: 'db..internal', reason: /^invalid address/ },
  { input: '-db.internal', reason: /^invalid address/ },
  { input: `${'a'.repeat(64)}.internal`, reason: /^invalid address/ },
  { input: 'db.corp.123', reason: /^invalid address/ },
  { input: '', reason: /^invalid address ""/ },
  { input: '*', reason: /^invalid wildcard "\*": a wildcard is "\*\." and a DNS name of two labels or more/ },
  { input: '*.internal', reason: /^invalid wildcard/ },
  { input: 'db.*.internal', reason: /^invalid wildcard/ },
  { input: '*db.corp.internal', reason: /^invalid wildcard/ },
  { input: '*.*.corp.internal', reason: /^invalid wildcard/ },
  { input: 'wicket-probe.invalid', reason: /is under \.invalid, which never names a resource/ },
  { input: '*.corp.invalid', reason: /is under \.invalid/ },
  { input: 'db.localhost', reason: /is under \.localhost/ },
];

for (const c of refused) {
  test(`address ${JSON.stringify(c.input)} is refused`, () => {
    const result = parseResourceAddress(c.input);
    assert.equal(typeof result, 'string', `accepted as ${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
    assert.match(result as string, c.reason);
  });
}

const contains: { address: string; inside: string[]; outside: string[] }[] = [
  { address: '10.20.1.0/24', inside: ['10.20.1.0', '10.20.1.255'], outside: ['10.20.0.255', '10.20.2.0', '::ffff:10.20.1.1', 'fd20::1', 'db.corp.internal', '10.20.1'] },
  { address: 'fd20::/64', inside: ['fd20::', 'fd20::ffff:ffff:ffff:ffff', 'FD20::1'], outside: ['fd20:0:0:1::', 'fd1f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '10.20.1.1', 'fd20::1%eth0', 'db.corp.internal'] },
  { address: 'fd20::10', inside: ['fd20::10', 'fd20:0:0:0:0:0:0:10'], outside: ['fd20::11', 'fd20::f'] },
  { address: 'db.corp.internal', inside: ['db.corp.internal', 'DB.corp.internal.'], outside: ['x.db.corp.internal', 'corp.internal', 'db.corp.internal.evil', '10.20.1.1'] },
  { address: '*.corp.internal', inside: ['db.corp.internal', 'a.b.corp.internal', 'Web.Corp.Internal.'], outside: ['corp.internal', 'xcorp.internal', 'corp.internal.evil', 'fd20::1'] },
];

for (const c of contains) {
  test(`destinations within ${c.address}`, () => {
    const address = parseResourceAddress(c.address);
    assert.notEqual(typeof address, 'string');
    for (const d of c.inside) assert.equal(addressContains(address as ResourceAddress, d), true, d);
    for (const d of c.outside) assert.equal(addressContains(address as ResourceAddress, d), false, d);
  });
}
