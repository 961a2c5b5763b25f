// Tests of the proxy link with a real proxy on loopback: the service address step and the
// listener follow the configuration, callers follow the applied sessions.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { exportPKCS8, generateKeyPair } from 'jose';
import { createLogger } from '../../common/log.js';
import type { GatewayConfig__Output } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';
import { IdentityProxy } from '../proxy/proxy.js';
import { ProxyLink } from './proxy-link.js';

const logs: string[] = [];
const log = createLogger('link-test', { write: (l: string) => logs.push(l) } as unknown as NodeJS.WritableStream);

const session = (id: string, overlayAddress: string): GatewaySession__Output => ({
  id, overlayAddress, wgPublicKey: 'k', presharedKey: 'psk', expiresAtMs: Date.now() + 3_600_000, rules: [], username: 'alice', deviceId: 'd', groups: [],
  httpGrants: [{ resource: 'wiki', grant: 'g', access: { hostname: 'wiki.corp', methods: [], paths: [] }, expiresAtMs: 0 }], overlayIpv6: '',
});

function harness(t: TestContext) {
  const proxy = new IdentityProxy({ log, onRecord: () => undefined });
  t.after(() => proxy.close());
  const addresses: (string | undefined)[] = [];
  let failAddress = false;
  const link = new ProxyLink({
    proxy, log,
    setServiceAddress: async (a) => {
      if (failAddress) throw new Error('ip failed');
      addresses.push(a);
    },
    listenAt: () => ({ host: '127.0.0.1', port: 0 }),
  });
  return { proxy, link, addresses, failAddress: (v: boolean) => { failAddress = v; } };
}

const config = (serviceAddress: string, resources: boolean, privateKeyPem = ''): GatewayConfig__Output => ({
  serviceAddress, serviceAddressIpv6: '', issuer: 'iss', controllerJwks: '', signInUrl: '',
  httpResources: resources ? [{ name: 'wiki', upstream: 'http://127.0.0.1:9', hostname: 'wiki.corp', public: false }] : [],
  signingKey: privateKeyPem ? { kid: 'k1', privateKeyPem } : null,
});

test('the address goes on the interface once per change; the proxy listens only with an address and HTTP resources', async (t) => {
  const { proxy, link, addresses } = harness(t);
  const pem = await exportPKCS8((await generateKeyPair('ES256', { extractable: true })).privateKey);
  await link.applied({ kind: 'snapshot', applied: true, sessions: [], removes: [], config: config('100.127.255.254', false) });
  assert.deepEqual(addresses, ['100.127.255.254']);
  assert.equal(proxy.listening, false);
  await link.applied({ kind: 'delta', applied: true, sessions: [], removes: [], config: config('100.127.255.254', true, pem) });
  assert.deepEqual(addresses, ['100.127.255.254']);
  assert.equal(proxy.listening, true);
  await link.applied({ kind: 'snapshot', applied: true, sessions: [], removes: [], config: config('100.127.255.253', true, pem) });
  assert.deepEqual(addresses, ['100.127.255.254', '100.127.255.253']);
  assert.equal(proxy.listening, true);
  await link.applied({ kind: 'snapshot', applied: true, sessions: [], removes: [], config: config('', true, pem) });
  assert.deepEqual(addresses, ['100.127.255.254', '100.127.255.253', undefined]);
  assert.equal(proxy.listening, false);
  assert.ok(!logs.join('\n').includes('PRIVATE KEY'), 'the key reached a log');
});

test('a failed address step still applies the sessions, and is retried with the next configuration', async (t) => {
  const { proxy, link, addresses, failAddress } = harness(t);
  failAddress(true);
  await link.applied({ kind: 'snapshot', applied: true, sessions: [session('a', '100.64.0.1')], removes: [], config: config('100.127.255.254', false) });
  assert.deepEqual(proxy.callers.sessionIds(), ['a']);
  assert.deepEqual(addresses, []);
  failAddress(false);
  await link.applied({ kind: 'snapshot', applied: true, sessions: [], removes: [], config: config('100.127.255.254', false) });
  assert.deepEqual(addresses, ['100.127.255.254']);
});

test('callers follow the applied sessions; after a failed apply only removals are taken', async (t) => {
  const { proxy, link } = harness(t);
  await link.applied({ kind: 'snapshot', applied: true, sessions: [session('a', '100.64.0.1'), session('b', '100.64.0.2')], removes: [], config: null });
  assert.deepEqual(proxy.callers.sessionIds().sort(), ['a', 'b']);
  await link.applied({ kind: 'delta', applied: true, sessions: [session('c', '100.64.0.3')], removes: ['a'], config: null });
  assert.deepEqual(proxy.callers.sessionIds().sort(), ['b', 'c']);
  await link.applied({ kind: 'delta', applied: false, sessions: [session('d', '100.64.0.4')], removes: ['b'], config: null });
  assert.deepEqual(proxy.callers.sessionIds(), ['c']);
  await link.applied({ kind: 'snapshot', applied: false, sessions: [session('e', '100.64.0.5')], removes: [], config: null });
  assert.deepEqual(proxy.callers.sessionIds(), []);
});
