import test from 'node:test';
import assert from 'node:assert/strict';
import { dnsNameMatches, isDnsName, isDnsWildcard, normalizeDnsName } from './dns-names.js';

test('names are lower-cased without the trailing dot', () => {
  assert.equal(normalizeDnsName(' App.Corp.Internal. '), 'app.corp.internal');
});

test('valid names and wildcards', () => {
  for (const ok of ['app.corp.internal', 'a-b.c', 'x1.example.com']) assert.equal(isDnsName(ok), true, ok);
  for (const bad of ['', 'localhost', '-a.b', 'a..b', 'a.b-', '10.0.0.1', 'a_b.c', '*.corp', 'a.' + 'b'.repeat(64)]) assert.equal(isDnsName(bad), false, bad);
  assert.equal(isDnsWildcard('*.corp.internal'), true);
  for (const bad of ['*.internal', 'corp.*.internal', '*corp.internal', '**.corp.internal', '*.']) assert.equal(isDnsWildcard(bad), false, bad);
});

test('a wildcard covers names below its suffix at any depth, not the suffix itself', () => {
  assert.equal(dnsNameMatches('*.corp.internal', 'app.corp.internal'), true);
  assert.equal(dnsNameMatches('*.corp.internal', 'a.b.corp.internal'), true);
  assert.equal(dnsNameMatches('*.corp.internal', 'corp.internal'), false);
  assert.equal(dnsNameMatches('*.corp.internal', 'evilcorp.internal'), false);
  assert.equal(dnsNameMatches('*.corp.internal', 'app.corp.internal.evil'), false);
  assert.equal(dnsNameMatches('app.corp.internal', 'app.corp.internal'), true);
  assert.equal(dnsNameMatches('app.corp.internal', 'x.app.corp.internal'), false);
});
