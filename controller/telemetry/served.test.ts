// Unit tests of the served-sessions filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepServed, sessionIdsOf } from './served.js';

const batch = {
  seq: 1, collectedAtMs: 0, droppedRecords: 0,
  peers: [{ sessionId: 'a', endpoint: '', lastHandshakeMs: 0, rxBytes: 0, txBytes: 0 }, { sessionId: 'x', endpoint: '', lastHandshakeMs: 0, rxBytes: 0, txBytes: 0 }],
  counters: [],
  denied: [
    { sessionId: 'x', source: '100.64.0.9', destination: '10.0.0.1', protocol: 'tcp', port: 22, count: 100, firstSeenMs: 0, lastSeenMs: 0 },
    { sessionId: '', source: '100.64.0.9', destination: '10.0.0.1', protocol: 'tcp', port: 22, count: 3, firstSeenMs: 0, lastSeenMs: 0 },
  ],
  flows: [{ sessionId: 'a', source: '', destination: '', protocol: 'tcp', port: 1, startedAtMs: 0, endedAtMs: 0, bytesOut: 0, bytesIn: 0 }],
  // x's request is dropped; a browser's without the tunnel (no session) stays.
  httpRequests: ['x', '', 'a'].map((sessionId) => ({ sessionId, resource: 'wiki', method: 'GET', hostname: 'wiki.example', path: '/', status: 200,
    bytesIn: 0, bytesOut: 0, startedAtMs: 0, durationUs: 0, username: '', deviceId: '', deniedReason: '', tunnel: sessionId !== '' })),
};

test('records of sessions the gateway does not serve are dropped and counted; unattributed ones stay', () => {
  assert.deepEqual(sessionIdsOf(batch).sort(), ['a', 'x']);
  const { batch: kept, foreign } = keepServed(batch, new Set(['a']));
  assert.equal(foreign, 3);
  assert.deepEqual(kept.peers.map((p) => p.sessionId), ['a']);
  assert.deepEqual(kept.denied.map((d) => d.sessionId), ['']);
  assert.equal(kept.flows.length, 1);
  assert.deepEqual(kept.httpRequests.map((r) => r.sessionId), ['', 'a']);
  assert.equal(kept.seq, 1);
});

test('a batch about served sessions only is passed through as it is', () => {
  const { batch: kept, foreign } = keepServed(batch, new Set(['a', 'x']));
  assert.equal(foreign, 0);
  assert.equal(kept.flows, batch.flows);
  assert.equal(kept.httpRequests, batch.httpRequests);
});
