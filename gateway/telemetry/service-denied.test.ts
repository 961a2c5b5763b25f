// Unit tests of requests refused by the proxy and the DNS service as denied attempts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceDeniedTracker } from './service-denied.js';

test('refusals of one source for one hostname count up from one first-seen time', () => {
  const t = new ServiceDeniedTracker('http', 80, 1000);
  assert.deepEqual(t.record('s1', '100.64.0.1', 'wiki.corp', 10), { sessionId: 's1', source: '100.64.0.1', destination: 'wiki.corp', protocol: 'http', port: 80, count: 1, firstSeenMs: 10, lastSeenMs: 10 });
  assert.deepEqual([t.record('s1', '100.64.0.1', 'wiki.corp', 20).count, t.record('s1', '100.64.0.1', 'wiki.corp', 20).firstSeenMs], [2, 10]);
  assert.equal(t.record('s1', '100.64.0.1', 'git.corp', 30).count, 1);
  const fresh = t.record('s1', '100.64.0.1', 'wiki.corp', 2000);
  assert.deepEqual([fresh.count, fresh.firstSeenMs], [1, 2000]);
});

test('the dns service\'s refusals are records of protocol dns, port 53, per session, source and name', () => {
  const t = new ServiceDeniedTracker('dns', 53, 1000);
  assert.deepEqual(t.record('s1', '100.64.0.1', 'x.corp.internal', 10), { sessionId: 's1', source: '100.64.0.1', destination: 'x.corp.internal', protocol: 'dns', port: 53, count: 1, firstSeenMs: 10, lastSeenMs: 10 });
  assert.equal(t.record('', '100.64.0.1', 'x.corp.internal', 20).count, 1, 'no session is another tuple');
  assert.equal(t.record('s1', '100.64.0.1', 'x.corp.internal', 30).count, 2);
});
