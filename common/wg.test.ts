// Unit tests of the WireGuard driver's pure parts and its process helper: key generation
// (against the RFC 7748 vector), peer rendering, dump parsing (secret fields never survive)
// and that a failing tool's error never carries what was sent on stdin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  generatePresharedKey, generatePrivateKey, keyFingerprint, parseDump, publicKeyOf, renderPeers, runTool, scrubKeys,
} from './wg.js';

const hexToB64 = (h: string) => Buffer.from(h, 'hex').toString('base64');

test('publicKeyOf matches the RFC 7748 X25519 test vector', () => {
  const priv = hexToB64('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  assert.equal(publicKeyOf(priv), hexToB64('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'));
});

test('generated keys are clamped 32-byte X25519 keys that derive distinct public keys', () => {
  const a = generatePrivateKey();
  const raw = Buffer.from(a, 'base64');
  assert.equal(raw[0] & 7, 0);
  assert.equal(raw[31] & 192, 64);
  const b = generatePrivateKey();
  assert.equal(Buffer.from(a, 'base64').length, 32);
  assert.notEqual(a, b);
  assert.notEqual(publicKeyOf(a), publicKeyOf(b));
  assert.equal(Buffer.from(generatePresharedKey(), 'base64').length, 32);
  assert.notEqual(generatePresharedKey(), generatePresharedKey());
  assert.throws(() => publicKeyOf('not-a-key'), /WireGuard key/);
});

test('keyFingerprint tells secrets apart without containing them', () => {
  const k = generatePresharedKey();
  assert.equal(keyFingerprint(k), keyFingerprint(k));
  assert.notEqual(keyFingerprint(k), keyFingerprint(generatePresharedKey()));
  assert.ok(!k.includes(keyFingerprint(k)));
});

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

test('runTool errors name the command but never what was on stdin', async () => {
  const secret = generatePrivateKey();
  await assert.rejects(runTool('sh', ['-c', 'cat >/dev/null; echo failed >&2; exit 3'], { stdin: secret }), (e: Error) => {
    assert.match(e.message, /^sh -c .* exited with code 3: failed$/);
    assert.ok(!e.message.includes(secret));
    return true;
  });
  // A tool that echoes its input (as `wg` does for a malformed key) is scrubbed too.
  await assert.rejects(runTool('sh', ['-c', 'cat >&2; exit 1'], { stdin: `bad key: ${secret}` }), (e: Error) => {
    assert.ok(!e.message.includes(secret));
    assert.match(e.message, /\[key\]/);
    return true;
  });
  assert.equal(await runTool('sh', ['-c', 'cat'], { stdin: 'hello' }), 'hello');
  assert.equal(scrubKeys(`a ${secret} b`), 'a [key] b');
});
