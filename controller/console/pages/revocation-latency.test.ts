// The revocation latency histogram as the overview reads it: cumulative Prometheus buckets of
// every gateway summed, then turned into a count per bucket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { REVOCATION_METRIC, revocationLatency } from './revocation-latency.js';

test('counts per bucket, summed over gateways', async () => {
  const registry = new Registry();
  const h = new Histogram({ name: REVOCATION_METRIC, help: 'x', labelNames: ['gateway'], buckets: [0.01, 0.1, 1], registers: [registry] });
  h.observe({ gateway: 'dc1' }, 0.005);
  h.observe({ gateway: 'dc2' }, 0.05);
  h.observe({ gateway: 'dc2' }, 0.07);
  h.observe({ gateway: 'dc1' }, 5);
  assert.deepEqual(await revocationLatency(registry), [
    { label: '≤ 0.01', count: 1 }, { label: '0.01–0.1', count: 2 }, { label: '0.1–1', count: 0 }, { label: '> 1', count: 1 },
  ]);
});

test('no histogram registered: no buckets', async () => {
  assert.deepEqual(await revocationLatency(new Registry()), []);
});
