// Unit tests of the proxy configuration: what is refused, and the key imported once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportPKCS8, generateKeyPair } from 'jose';
import type { GatewayConfig__Output } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import { loadProxyConfig, upstreamOrigin } from './config.js';

const base = (over: Partial<GatewayConfig__Output> = {}): GatewayConfig__Output => ({
  serviceAddress: '100.127.255.254', serviceAddressIpv6: '', httpResources: [], signingKey: null, issuer: 'iss', controllerJwks: '', signInUrl: '', ...over,
});

test('upstreams are plain http origins', () => {
  assert.equal(upstreamOrigin('http://10.20.0.10:8080'), 'http://10.20.0.10:8080');
  assert.equal(upstreamOrigin('http://wiki.internal'), 'http://wiki.internal');
  assert.equal(upstreamOrigin('https://wiki.internal:8443'), 'https://wiki.internal:8443');
  for (const bad of ['ftp://x', 'http://u:p@x', 'http://x/path', 'http://x?q', 'not a url', 'file:///etc/passwd']) assert.equal(upstreamOrigin(bad), undefined, bad);
});

test('bad resources are refused one by one and named; hostnames are lower-cased', async () => {
  const problems: string[] = [];
  const c = await loadProxyConfig(base({ httpResources: [
    { name: 'wiki', upstream: 'http://10.0.0.1:80', hostname: 'Wiki.Corp', public: false },
    { name: 'dup', upstream: 'http://10.0.0.2:80', hostname: 'wiki.corp', public: false },
    { name: 'bad', upstream: 'ftp://10.0.0.3', hostname: 'bad.corp', public: false },
    { name: 'evil', upstream: 'http://10.0.0.4', hostname: '<script>', public: false },
  ] }), undefined, problems);
  assert.deepEqual([...c.resources.keys()], ['wiki.corp']);
  assert.equal(problems.length, 3);
});

test('a service address that is not IPv4 disables the proxy', async () => {
  const problems: string[] = [];
  const c = await loadProxyConfig(base({ serviceAddress: '::1' }), undefined, problems);
  assert.equal(c.serviceAddress, undefined);
  assert.equal(problems.length, 1);
});

test('the signing key is imported once per change; a bad key is refused without its text', async () => {
  const pem = await exportPKCS8((await generateKeyPair('ES256', { extractable: true })).privateKey);
  const first = await loadProxyConfig(base({ signingKey: { kid: 'k1', privateKeyPem: pem } }), undefined);
  const again = await loadProxyConfig(base({ signingKey: { kid: 'k1', privateKeyPem: pem } }), first);
  assert.equal(again.signing, first.signing);
  const problems: string[] = [];
  const bad = await loadProxyConfig(base({ signingKey: { kid: 'k2', privateKeyPem: 'SECRET-NOT-A-KEY' } }), first, problems);
  assert.equal(bad.signing, undefined);
  assert.ok(!problems.join().includes('SECRET'));
});
