// completeSsoLogin against a real store: what decides the re-evaluation and the refusals is
// read inside the transaction that records the login, so overlapping logins of one subject
// and changes made during a login are judged by what is committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import type { Counter } from 'prom-client';
import { openTestStore } from '../../test/support/store.js';
import { createLogger } from '../../common/log.js';
import { Audit } from '../audit/audit.js';
import type { Store } from '../store/store.js';
import type { CertificateAuthority, ParsedCsr } from '../crypto/ca.js';
import type { MasterKey } from '../crypto/masterkey.js';
import { completeSsoLogin, type SsoLoginDeps } from './complete.js';
import type { ProviderConfig } from './config.js';
import type { MappedLogin } from './claims.js';

const provider = { name: 'idp', provisioning: 'off', require_mfa: 'admins' } as unknown as ProviderConfig;

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const { store, close } = await openTestStore();
  t.after(close);
  await store.users.add({ name: 'alice', passwordHash: null, totpSealed: Buffer.alloc(1), admin: false, createdAtMs: 0 }, []);
  await store.sso.saveIdentity({ provider: 'idp', subject: 'sub-a', user: 'alice', groups: ['g1'] }, 0);
  // Every login's transaction waits for `release`, so what the test does before that happens
  // between the login's reads and its transaction.
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  let arrived = 0;
  const held: Store = Object.create(store) as Store;
  held.transaction = async <T>(fn: (tx: Store) => Promise<T>): Promise<T> => {
    arrived++;
    await released;
    return store.transaction(fn);
  };
  const arrivals = async (n: number) => {
    while (arrived < n) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  let serial = 0;
  const reevaluated: string[] = [];
  const ctx: SsoLoginDeps = {
    store: held, audit: await Audit.open(store),
    ca: { certPem: 'CA', issueClient: (_csr: ParsedCsr, _ids: unknown, now: number) => ({ serial: `s${++serial}`, certPem: 'CERT', notAfterMs: now + 1000 }) } as unknown as CertificateAuthority,
    log: createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream),
    metrics: { logins: { inc: () => undefined } as unknown as Counter<'result'>, rateLimited: { inc: () => undefined } as unknown as Counter<'method'> },
    config: { reauthIntervalMs: 1000, publicApi: 'api:443' }, now: () => 1000,
    masterKey: {} as MasterKey,
    revocation: { userChanged: async (name) => { reevaluated.push(name); } },
    reportInternal: () => undefined,
  };
  const login = (groups: string[], deviceId: string) => completeSsoLogin(ctx, { provider, csr: {} as ParsedCsr, deviceId, deviceName: deviceId, source: 'test' }, {
    subject: 'sub-a', username: 'alice', groups, ignoredGroups: [], mfa: true, emailVerified: true,
  } satisfies MappedLogin);
  return { store, login, reevaluated, arrivals, release };
}

test('overlapping logins of one subject with other groups each re-evaluate what they changed', async (t) => {
  const { store, login, reevaluated, arrivals, release } = await setup(t);
  // Both start from g1 and run their transactions at once. Either may commit first (SQLite runs
  // them in call order; PostgreSQL's serializable transactions may order them either way), so
  // the outcome must match one of the two serial orders:
  //  - g2 first: g1 -> g2 is a change, then g2 -> g1 is a change too (alice's sessions may have
  //    been re-evaluated with g2 meanwhile): two re-evaluations, g1 stays;
  //  - g1 first: g1 -> g1 changes nothing, then g1 -> g2 does: one re-evaluation, g2 stays.
  // Deciding from what was read before the transaction gives g1 with one re-evaluation.
  const logins = Promise.all([login(['g2'], 'd1'), login(['g1'], 'd2')]);
  await arrivals(2);
  release();
  await logins;
  const outcome = { reevaluated, groups: (await store.sso.identity('idp', 'sub-a'))?.groups };
  const serialOrders = [
    { reevaluated: ['alice', 'alice'], groups: ['g1'] },
    { reevaluated: ['alice'], groups: ['g2'] },
  ];
  assert.ok(serialOrders.some((order) => util.isDeepStrictEqual(order, outcome)), `not a serial outcome: ${JSON.stringify(outcome)}`);
});

test('a user disabled during the login is refused and gets no certificate', async (t) => {
  const { store, login, arrivals, release } = await setup(t);
  const first = login(['g1'], 'd1');
  await arrivals(1);
  await store.users.setDisabled('alice', true);
  release();
  await assert.rejects(first, /user alice is disabled/);
  assert.deepEqual(await store.certificates.ofKind('user'), []);
});
