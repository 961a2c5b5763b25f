// Golden-file tests of explain and diff output (testdata/*.golden.json). Run with
// UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { checkPolicy, diffPolicies, EMPTY_POSTURE, explain, parseHttpRequest, parsePolicy, type Policy, type Protocol, type Subject } from './index.js';

const TESTDATA = fileURLToPath(new URL('../../../controller/policy/testdata/', import.meta.url));

function load(name: string): Policy {
  const r = parsePolicy(readFileSync(join(TESTDATA, name), 'utf8'));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}

function golden(name: string, actual: unknown): void {
  const file = join(TESTDATA, name);
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `${name} differs (UPDATE_GOLDEN=1 rewrites it)`);
}

const MANAGED = { ...EMPTY_POSTURE, os: 'linux', clientVersion: '1.4.2', diskEncryption: 'true' };
const MONDAY_9_BERLIN = '2025-06-02T07:00:00Z';

const queries: { subject: Partial<Subject> & { user: string }; at?: string; resource: string; protocol?: Protocol; port?: number }[] = [
  { subject: { user: 'alice', posture: MANAGED }, resource: 'wiki', protocol: 'tcp', port: 443 },
  { subject: { user: 'alice', posture: MANAGED }, resource: 'wiki' },
  { subject: { user: 'alice', posture: MANAGED }, resource: 'wiki', protocol: 'tcp', port: 22 },
  { subject: { user: 'alice', posture: MANAGED, mfa: false }, resource: 'wiki', protocol: 'tcp' },
  { subject: { user: 'alice' }, resource: 'wiki' },
  { subject: { user: 'alice', posture: MANAGED }, at: '2025-06-07T10:00:00Z', resource: 'wiki' },
  { subject: { user: 'alice', posture: MANAGED, groups: ['contractors'] }, at: '2025-06-07T10:00:00Z', resource: 'wiki' },
  { subject: { user: 'carol' }, resource: 'postgres', protocol: 'tcp', port: 5432 },
  { subject: { user: 'carol' }, resource: 'wiki' },
  { subject: { user: 'dave' }, resource: 'builds', protocol: 'tcp', port: 8050 },
  { subject: { user: 'dave' }, resource: 'builds', protocol: 'icmp' },
  { subject: { user: 'erin', groups: ['contractors'] }, resource: 'builds', protocol: 'udp', port: 8050 },
  { subject: { user: 'mallory' }, resource: 'postgres' },
  { subject: { user: 'alice' }, resource: 'nosuch' },
  { subject: { user: 'carol' }, resource: 'vault' },
  { subject: { user: 'carol', approvals: [{ grant: 'dba-vault', resource: 'vault', expiresAt: Date.parse('2025-06-02T07:30:00Z') }] }, resource: 'vault', protocol: 'tcp', port: 8200 },
  { subject: { user: 'dave' }, resource: 'vault' },
];

test('explain output matches testdata/explain.golden.json', () => {
  const policy = load('policy.yaml');
  const results = queries.map((q) => {
    const subject: Subject = { groups: [], mfa: true, posture: EMPTY_POSTURE, now: new Date(q.at ?? MONDAY_9_BERLIN), ...q.subject };
    return { query: { ...q, at: subject.now.toISOString() }, explanation: explain(policy, subject, q.resource, q.protocol, q.port) };
  });
  golden('explain.golden.json', results);
});

const httpQueries: { subject: Partial<Subject> & { user: string }; resource: string; request?: [string, string]; protocol?: Protocol; port?: number }[] = [
  { subject: { user: 'alice' }, resource: 'wiki' },
  { subject: { user: 'alice' }, resource: 'wiki', request: ['GET', '/docs/a'] },
  { subject: { user: 'alice' }, resource: 'wiki', request: ['POST', '/docs/a'] },
  { subject: { user: 'alice' }, resource: 'wiki', request: ['DELETE', '/docs/a'] },
  { subject: { user: 'alice' }, resource: 'wiki', request: ['GET', '/admin'] },
  { subject: { user: 'alice' }, resource: 'wiki', request: ['GET', '/docs/x/../../admin'] },
  { subject: { user: 'alice', tunnel: false }, resource: 'wiki', request: ['POST', '/docs/a'] },
  { subject: { user: 'alice', mfa: false }, resource: 'wiki', request: ['POST', '/docs/a'] },
  { subject: { user: 'bob' }, resource: 'wiki', request: ['POST', '/docs/a'] },
  { subject: { user: 'bob' }, resource: 'grafana', request: ['HEAD', '/static/css/site.css'] },
  { subject: { user: 'mallory' }, resource: 'wiki', request: ['GET', '/docs/a'] },
  { subject: { user: 'alice' }, resource: 'wiki', protocol: 'tcp', port: 80 },
  { subject: { user: 'alice' }, resource: 'postgres', request: ['GET', '/'] },
  { subject: { user: 'alice' }, resource: 'postgres', protocol: 'tcp', port: 5432 },
];

test('explain of HTTP resources matches testdata/explain-http.golden.json, and the file\'s own tests pass', () => {
  const text = readFileSync(join(TESTDATA, 'http-policy.yaml'), 'utf8');
  const check = checkPolicy(text);
  assert.equal(check.ok, true, JSON.stringify([check.errors, check.tests.filter((t) => !t.passed)]));
  const policy = load('http-policy.yaml');
  const results = httpQueries.map((q) => {
    const subject: Subject = { groups: [], mfa: true, posture: EMPTY_POSTURE, now: new Date(MONDAY_9_BERLIN), ...q.subject };
    const request = q.request ? parseHttpRequest(...q.request) : undefined;
    assert.notEqual(typeof request, 'string');
    return { query: q, explanation: explain(policy, subject, q.resource, q.protocol, q.port, request as Exclude<typeof request, string>) };
  });
  golden('explain-http.golden.json', results);
});

test('errors of invalid HTTP policies match testdata/http-errors.golden.json', () => {
  const errors = Object.fromEntries(['http-invalid.yaml', 'http-invalid-refs.yaml'].map((name) => {
    const r = parsePolicy(readFileSync(join(TESTDATA, name), 'utf8'));
    assert.ok(!r.ok, `${name} must be rejected`);
    return [name, r.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)];
  }));
  golden('http-errors.golden.json', errors);
});

test('errors of invalid addresses and gateway lists match testdata/address-errors.golden.json', () => {
  const errors = Object.fromEntries(['address-invalid.yaml', 'address-invalid-refs.yaml'].map((name) => {
    const r = parsePolicy(readFileSync(join(TESTDATA, name), 'utf8'));
    assert.ok(!r.ok, `${name} must be rejected`);
    return [name, r.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`)];
  }));
  golden('address-errors.golden.json', errors);
});

test('diff output matches testdata/diff.golden.json', () => {
  const before = load('diff-before.yaml');
  const after = load('diff-after.yaml');
  const directory = [{ name: 'erin', groups: ['contractors'] }, { name: 'frank', groups: [] }, { name: 'carol', groups: ['dba'] }];
  golden('diff.golden.json', {
    first_apply: diffPolicies(null, before, directory),
    change: diffPolicies(before, after, directory),
    unchanged: diffPolicies(after, after, directory),
  });
});

test('diff of HTTP grants matches testdata/diff-http.golden.json', () => {
  const before = load('http-policy.yaml');
  const after = load('http-diff-after.yaml');
  golden('diff-http.golden.json', { change: diffPolicies(before, after, []), back: diffPolicies(after, before, []) });
});
