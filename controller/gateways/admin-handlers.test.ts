// What ListGateways shows of a gateway: a stream whose holder stopped heartbeating (a
// controller killed without closing its streams) no longer counts as connected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asSeen, gatewayHealth } from './admin-handlers.js';
import type { GatewayRecord } from './gateway-store.js';

const row: GatewayRecord = {
  name: 'dc1', certSerial: 's', enrolledAtMs: 0, publicKey: '', endpoint: '', desiredVersion: 3, appliedVersion: 3, lastAckMs: 0, lastApplyUs: 0,
  lastReportMs: 0, connected: true, connectedSinceMs: 10, serviceAddress: '', holder: 'ctl-a',
};

test('a gateway held by an alive controller is connected; one held by a dead controller is not', () => {
  assert.equal(gatewayHealth(asSeen(row, new Set(['ctl-a', 'ctl-b'])), 1000), 'healthy');
  const dead = asSeen(row, new Set(['ctl-b']));
  assert.equal(dead.connected, false);
  assert.equal(gatewayHealth(dead, 1000), 'disconnected');
  assert.equal(asSeen({ ...row, connected: false, holder: '' }, new Set()).connected, false);
});
