// Unit tests for the wg-quick rendering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderWgQuick } from './wgquick.js';

test('renders [Interface] and one [Peer] per gateway', () => {
  const text = renderWgQuick({
    sessionId: 's1', expiresAtMs: Date.UTC(2030, 0, 1), privateKey: 'PRIV', address: '100.64.0.7',
    peers: [
      { gateway: 'dc1', publicKey: 'PUB1', presharedKey: 'PSK1', endpoint: '198.18.0.2:51820', allowedIps: ['10.20.0.10/32', '10.20.1.0/24'], persistentKeepalive: 25 },
      { gateway: 'dc2', publicKey: 'PUB2', presharedKey: 'PSK2', endpoint: '[fd00::2]:51820', allowedIps: ['10.30.0.5/32'], persistentKeepalive: 25 },
    ],
  });
  const sections = text.split(/^\[/m).slice(1);
  assert.equal(sections.length, 3);
  assert.match(sections[0]!, /^Interface\]\nPrivateKey = PRIV\nAddress = 100\.64\.0\.7\/32\n/);
  assert.match(sections[1]!, /PublicKey = PUB1\nPresharedKey = PSK1\nEndpoint = 198\.18\.0\.2:51820\nAllowedIPs = 10\.20\.0\.10\/32, 10\.20\.1\.0\/24\nPersistentKeepalive = 25/);
  assert.match(sections[2]!, /Endpoint = \[fd00::2\]:51820/);
  assert.match(text, /expires 2030-01-01T00:00:00\.000Z/);
  assert.ok(text.endsWith('\n'));
});

test('the IPv6 overlay address joins the IPv4 one', () => {
  const text = renderWgQuick({ sessionId: 's1', expiresAtMs: 0, privateKey: 'PRIV', address: '100.64.0.7', addressIpv6: 'fd6b:7769:636b::7', peers: [] });
  assert.match(text, /^Address = 100\.64\.0\.7\/32, fd6b:7769:636b::7\/128$/m);
});
