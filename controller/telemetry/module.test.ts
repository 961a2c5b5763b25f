// The telemetry module's audit follower starts at the end of the trail as it is when the
// module has started: history is not counted, and a record appended right after is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, type Counter } from 'prom-client';
import { openTestStore } from '../../test/support/store.js';
import { createLogger } from '../../common/log.js';
import { Audit } from '../audit/audit.js';
import { telemetryModule, type TelemetryModuleDeps } from './module.js';

test('records appended right after the module started are counted, history is not', async (t) => {
  const { store, close } = await openTestStore();
  t.after(close);
  const audit = await Audit.open(store);
  const deny = () => audit.append(store, { actor: 'user:alice', action: 'session.deny', target: 'alice', details: {} });
  for (let i = 0; i < 3; i++) await deny();
  const registry = new Registry();
  const ctx = {
    store, audit, log: createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream),
    authorize: () => Promise.reject(new Error('no calls in this test')), gatewayStreams: {},
    metrics: { registry }, now: () => Date.now(), revocation: { revokeSession: async () => false },
  } as unknown as TelemetryModuleDeps;
  const module = await telemetryModule({ auditPollMs: 10 })(ctx);
  t.after(() => module.close());
  await deny();
  const denied = async () => (await (registry.getSingleMetric('wicket_decisions_total') as Counter<'result'>).get()).values.find((v) => v.labels.result === 'deny')?.value ?? 0;
  for (let i = 0; i < 50 && (await denied()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await denied(), 1);
});
