// Unit tests of the WireGuard peer code's pure parts: peer rendering (no value can inject a
// line) and dump parsing (secret fields never survive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from './keys.js';
import { parseDump, renderPeers } from './peers.js';

const PUB1 = publicKeyOf(generatePrivateKey());
const PUB2 = publicKeyOf(generatePrivateKey());

test('renderPeers writes [Peer] sections and refuses values that could inject lines', () => {
  const psk = generatePresharedKey();
  assert.equal(
    renderPeers([
      { publicKey: PUB1, presharedKey: psk, allowedIps: ['100.64.0.2/32'] },
      { publicKey: PUB2, allowedIps: ['10.0.0.0/24', '10.0.1.1/32'], endpoint: '198.18.0.2:51820', persistentKeepalive: 25 },
    ]),
    `[Peer]\nPublicKey = ${PUB1}\nPresharedKey = ${psk}\nAllowedIPs = 100.64.0.2/32\n` +
    `[Peer]\nPublicKey = ${PUB2}\nAllowedIPs = 10.0.0.0/24, 10.0.1.1/32\nEndpoint = 198.18.0.2:51820\nPersistentKeepalive = 25\n`,
  );
  assert.throws(() => renderPeers([{ publicKey: PUB1, allowedIps: ['10.0.0.1/32\n[Peer]'] }]));
  assert.throws(() => renderPeers([{ publicKey: PUB1, allowedIps: [], endpoint: 'x:1\nPublicKey = y' }]));
  assert.throws(() => renderPeers([{ publicKey: 'abc', allowedIps: [] }]));
});

test('parseDump keeps the public state and drops private and preshared keys', () => {
  const priv = generatePrivateKey();
  const psk = generatePresharedKey();
  const text = [
    `${priv}\t${publicKeyOf(priv)}\t51820\toff`,
    `${PUB1}\t${psk}\t198.18.0.11:41000\t100.64.0.2/32\t1700000000\t1234\t5678\toff`,
    `${PUB2}\t(none)\t(none)\t(none)\t0\t0\t0\t25`,
  ].join('\n') + '\n';
  const d = parseDump(text);
  assert.deepEqual(d, {
    publicKey: publicKeyOf(priv),
    listenPort: 51820,
    peers: [
      { publicKey: PUB1, endpoint: '198.18.0.11:41000', allowedIps: ['100.64.0.2/32'], latestHandshakeMs: 1_700_000_000_000, rxBytes: 1234, txBytes: 5678 },
      { publicKey: PUB2, endpoint: null, allowedIps: [], latestHandshakeMs: 0, rxBytes: 0, txBytes: 0 },
    ],
  });
  const out = JSON.stringify(d);
  assert.ok(!out.includes(priv) && !out.includes(psk));
  assert.throws(() => parseDump(''), /empty/);
  assert.throws(() => parseDump(`${priv}\t${PUB1}\t1\toff\n${PUB1}\tx\n`), /malformed peer/);
});
