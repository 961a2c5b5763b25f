// Tests for the gateway metrics: the instruments land in their own registry and the HTTP
// endpoint serves them in the Prometheus text format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createGatewayMetrics, serveMetrics, statusClass } from './metrics.js';

test('/metrics serves the gateway instruments with their current values', async () => {
  const m = createGatewayMetrics();
  m.sessions.set(3);
  m.appliedVersion.set(42);
  m.applySeconds.observe({ kind: 'delta' }, 0.004);
  m.reconnects.inc();
  m.httpRequests.inc({ resource: 'wiki', status_class: statusClass(403) });
  const server = await serveMetrics(m.registry, '127.0.0.1', 0);
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /^wicket_gateway_sessions 3$/m);
    assert.match(body, /^wicket_gateway_applied_version 42$/m);
    assert.match(body, /^wicket_gateway_apply_seconds_bucket\{le="0.005",kind="delta"\} 1$/m);
    assert.match(body, /^wicket_gateway_sync_reconnects_total 1$/m);
    assert.match(body, /^wicket_gateway_http_requests_total\{resource="wiki",status_class="4xx"\} 1$/m);
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  } finally {
    server.close();
  }
});

test('peers, denied and spoofed packets are read from the system at scrape time', async () => {
  let peers = 2;
  let fail = false;
  const m = createGatewayMetrics({
    readers: {
      peers: async () => peers,
      deniedPackets: async () => {
        if (fail) throw new Error('no table');
        return 17;
      },
      spoofedPackets: async () => 400,
    },
  });
  let text = await m.registry.metrics();
  assert.match(text, /^wicket_gateway_peers 2$/m);
  assert.match(text, /^wicket_gateway_denied_packets 17$/m);
  assert.match(text, /^wicket_gateway_spoofed_packets 400$/m);
  peers = 5;
  fail = true;
  text = await m.registry.metrics();
  assert.match(text, /^wicket_gateway_peers 5$/m);
  assert.match(text, /^wicket_gateway_denied_packets 17$/m, 'a failed read keeps the last value');
});

test('two metric sets do not share a registry or values', async () => {
  const a = createGatewayMetrics();
  const b = createGatewayMetrics();
  a.sessions.set(7);
  assert.notEqual(a.registry, b.registry);
  assert.equal((await b.sessions.get()).values[0]?.value ?? 0, 0);
  assert.match(await a.registry.metrics(), /^wicket_gateway_sessions 7$/m);
});

test('status classes', () => {
  assert.deepEqual([statusClass(101), statusClass(204), statusClass(502), statusClass(0)], ['1xx', '2xx', '5xx', '0']);
});
