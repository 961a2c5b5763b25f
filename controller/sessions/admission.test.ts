// Admission of a Connect batch (admission.ts with admission-reads.ts), straight on a store:
// what the batch shares is read once, so each further request costs little more than its
// audit record; the Connects of a batch count against the caps and the address pool as the
// earlier ones are admitted; refusals keep their order and leave the others alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryCounter } from '../../test/support/query-counter.js';
import { openTestStore } from '../../test/support/store.js';
import { Store } from '../store/store.js';
import { Audit } from '../audit/audit.js';
import { parsePolicy } from '../policy/index.js';
import { grantTo, policyYaml } from '../../test/support/policies.js';
import { wgPublicKey } from '../../test/support/sync-stream.js';
import { parsePool } from './ipam.js';
import { decide } from './decision.js';
import { openSessions, Refused, type AdmissionContext, type BatchRequest, type DeviceCaller } from './admission.js';

async function setup(t: { after: (fn: () => Promise<void>) => void }, caps = { user: 1000, device: 1000 }) {
  const { store: setupStore, database, close } = await openTestStore();
  t.after(close);
  const counter = new QueryCounter();
  const store = new Store(database.kysely.withPlugin(counter), database.dialect);
  const parsed = parsePolicy(policyYaml({
    gateways: ['dc1'], groups: { eng: ['alice'] },
    resources: { web: { address: '10.9.0.10', ports: ['tcp/443'], gateway: 'dc1' } }, grants: [grantTo('eng', 'web')],
  }));
  if (!parsed.ok) throw new Error('test policy does not parse');
  const policy = parsed.policy;
  await setupStore.gateways.enroll('dc1', 'gw-serial', 0, '', '');
  await setupStore.users.add({ name: 'alice', passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: 0 }, ['eng']);
  const caller: DeviceCaller = { user: 'alice', deviceId: 'dev-alice', certSerial: 'serial-alice', certNotAfterMs: Date.now() + 3_600_000 };
  await setupStore.certificates.record({ serial: caller.certSerial, kind: 'user', subject: 'alice', deviceId: caller.deviceId, issuedAtMs: 0, notAfterMs: caller.certNotAfterMs });
  const pool = parsePool('100.64.0.0/24');
  const ctx: AdmissionContext = {
    audit: await Audit.open(store), pool, maxSessionsPerUser: caps.user, maxSessionsPerDevice: caps.device,
    policy: () => ({ policy, version: 1 }), isGatewayConnected: () => true,
    decide: (s, p, user, certSerial, posture, mfa, now, sessionStart) => decide(s, p, { user, certSerial, posture, mfa, now, sessionStart, approvals: [] }),
    seal: () => Buffer.alloc(48),
  };
  const requests = (n: number, key = wgPublicKey): BatchRequest[] => Array.from({ length: n }, () => ({ caller, request: { wgPublicKey: key(), posture: null, ackTimeoutMs: 0 } }));
  const admit = (batch: BatchRequest[]) => store.transaction((tx) => openSessions(ctx, tx, batch, Date.now(), { value: 0 }));
  return { store, setupStore, counter, admit, requests };
}

test('a batch reads what its requests share once: each further request costs about its audit record', async (t) => {
  const { counter, admit, requests } = await setup(t);
  counter.count = 0;
  await admit(requests(5));
  const small = counter.count;
  counter.count = 0;
  await admit(requests(25));
  const large = counter.count;
  // The audit chain appends each record on its own (a few statements); everything else is per batch.
  assert.ok((large - small) / 20 < 5, `${(large - small) / 20} queries per further request`);
});

test('the Connects of a batch count against the caps as they are admitted, and a refusal leaves the rest', async (t) => {
  const { store, admit, requests } = await setup(t, { user: 1000, device: 3 });
  const results = await admit(requests(5));
  assert.deepEqual(results.map((r) => (r instanceof Refused ? r.reason.message.replace(/ .*/, '') : 'opened')), ['opened', 'opened', 'opened', 'this', 'this']);
  assert.match((results[3] as Refused).reason.message, /already has 3 live sessions/);
  assert.equal((await store.sessions.active()).length, 3);
});

test('a batch never takes an address a live session or a gateway service address holds, nor one twice', async (t) => {
  const { store, setupStore, admit, requests } = await setup(t);
  const first = await admit(requests(2));
  assert.deepEqual(first.map((r) => (r instanceof Refused ? '' : r.session.overlayAddress)), ['100.64.0.1', '100.64.0.2']);
  // The cursor starts over at the pool's start for every batch here: the live ones are skipped.
  await setupStore.gateways.setServiceAddress('dc1', '100.64.0.3');
  const second = await admit(requests(3));
  assert.deepEqual(second.map((r) => (r instanceof Refused ? '' : r.session.overlayAddress)), ['100.64.0.4', '100.64.0.5', '100.64.0.6']);
  assert.equal(new Set((await store.sessions.active()).map((s) => s.overlayAddress)).size, 5);
});

test('a key live before the batch, or used twice in it, is refused alone', async (t) => {
  const { admit, requests } = await setup(t);
  const live = wgPublicKey();
  await admit(requests(1, () => live));
  const again = wgPublicKey();
  const keys = [live, again, again, wgPublicKey()];
  const results = await admit(requests(4, () => keys.shift()!));
  assert.deepEqual(results.map((r) => r instanceof Refused), [true, false, true, false]);
});
