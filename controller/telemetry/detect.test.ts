// Unit tests of the detections: the probing window (its clock and memory bounds) and the distant-endpoint rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeDetector, distantEndpoints, suspiciousEndpointChange } from './detect.js';

test('probing triggers once when the attempts within the window reach the threshold', () => {
  const d = new ProbeDetector({ threshold: 20, windowMs: 10_000 });
  for (let i = 0; i < 19; i++) assert.equal(d.record('s1', 1, 1000 + i * 100, 1000 + i * 100), undefined);
  assert.equal(d.record('s1', 1, 3000, 3000), 20);
  assert.equal(d.record('s1', 5, 3100, 3100), undefined, 'flagged once');
});

test('attempts spread wider than the window do not add up', () => {
  const d = new ProbeDetector({ threshold: 20, windowMs: 10_000 });
  for (let i = 0; i < 40; i++) assert.equal(d.record('s1', 1, i * 1000, i * 1000), undefined, `attempt ${i}`);
  // Sessions are counted apart.
  assert.equal(d.record('s2', 19, 40_000, 40_000), undefined);
  assert.equal(d.record('s3', 20, 40_000, 40_000), 20);
});

test('an out-of-order report is counted at its own time', () => {
  const d = new ProbeDetector({ threshold: 10, windowMs: 10_000 });
  assert.equal(d.record('s', 5, 50_000, 50_000), undefined);
  assert.equal(d.record('s', 5, 10_000, 50_000), undefined, 'far older attempts do not join the newer window');
  assert.equal(d.record('s', 5, 45_000, 50_000), 10);
});

test("the gateway's clock is not trusted: future times count as now, stale ones not at all", () => {
  const d = new ProbeDetector({ threshold: 10, windowMs: 10_000 });
  // A report dated an hour ahead counts at the receive time, so it meets attempts of now.
  assert.equal(d.record('s', 5, 3_600_000 + 50_000, 50_000), undefined);
  assert.equal(d.record('s', 5, 49_000, 50_000), 10);
  // Attempts dated long ago are not piled onto the present.
  assert.equal(d.record('t', 100, 1_000, 50_000), undefined);
  assert.equal(d.size, 1, 'the stale report holds no memory');
});

test('memory is bounded: sessions and flags are forgotten after two windows', () => {
  const d = new ProbeDetector({ threshold: 1_000_000, windowMs: 10_000 });
  for (let i = 0; i < 10_000; i++) d.record('s', 1, 1000 + (i % 5000), 6000);
  for (let i = 0; i < 1000; i++) d.record(`x${i}`, 1, 6000, 6000);
  assert.equal(d.size, 1001);
  const flagging = new ProbeDetector({ threshold: 1, windowMs: 10_000 });
  assert.equal(flagging.record('f', 1, 6000, 6000), 1);
  d.expire(6000 + 20_100);
  flagging.expire(6000 + 20_100);
  assert.equal(d.size, 0);
  assert.equal(flagging.size, 0);
});

test('distant endpoints: another /16 (IPv4) or /32 (IPv6), or another family', () => {
  assert.equal(distantEndpoints('198.51.100.7:51820', '198.51.200.9:40000'), false);
  assert.equal(distantEndpoints('198.51.100.7:51820', '203.0.113.5:51820'), true);
  assert.equal(distantEndpoints('[2001:db8:1::1]:51820', '[2001:db8:2::1]:51820'), false);
  assert.equal(distantEndpoints('[2001:db8::1]:51820', '[2001:db9::1]:51820'), true);
  assert.equal(distantEndpoints('198.51.100.7:1', '[2001:db8::1]:1'), true);
});

test('an endpoint change is suspicious only within the window', () => {
  const change = { from: '198.51.100.7:51820', to: '203.0.113.5:51820', previousAtMs: 0, atMs: 60_000 };
  assert.equal(suspiciousEndpointChange(change, { windowMs: 300_000 }), true);
  assert.equal(suspiciousEndpointChange({ ...change, atMs: 600_000 }, { windowMs: 300_000 }), false);
  assert.equal(suspiciousEndpointChange({ ...change, to: '198.51.7.7:9' }, { windowMs: 300_000 }), false);
});
