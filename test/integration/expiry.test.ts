// A certificate stops working at its expiry even on a connection opened before it (TLS
// checks expiry only at the handshake), and every refusal is counted in /metrics.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { addUser, codeAt, login, probeModule, rpcError, startTestController, type TestController } from './harness.js';

let t: TestController;

before(async () => {
  t = await startTestController({ reauthIntervalMs: 3_600_000, modules: [probeModule] });
});

after(() => t?.stop());

test('an expired user certificate is refused on an open connection, and refusals are counted', async () => {
  const secret = await addUser(t, 'erin', 'erin quartz tram password');
  const { creds } = await login(t, { username: 'erin', password: 'erin quartz tram password', totpCode: await codeAt(t, secret) });
  const erin = apiClients(t.api, creds);
  try {
    await call(erin.client, 'ListResources', { posture: null });
    t.advance(3_600_000 + 1000);
    const err = await rpcError(call(erin.client, 'ListResources', { posture: null }));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.match(err.details, /expired/);
    // A user certificate on the Admin service: refused, and counted by reason.
    await rpcError(call(erin.admin, 'ListUsers', {}));
    const text = await t.controller.ctx.metrics.registry.getSingleMetricAsString('wicket_authz_refusals_total');
    assert.match(text, /wicket_authz_refusals_total\{reason="expired"\} 1/);
    assert.match(text, /wicket_authz_refusals_total\{reason="wrong_kind"\} 1/);
  } finally {
    erin.close();
  }
});
