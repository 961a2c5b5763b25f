// The UAPI request text: hex keys, removals before additions, allowed IPs replaced, and no
// way for a field to add a line of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from './keys.js';
import { parseSetReply, uapiSetText } from './uapi.js';

const hexOf = (k: string) => Buffer.from(k, 'base64').toString('hex');

test('a set request removes first, then adds each peer with its allowed IPs replaced', () => {
  const gone = publicKeyOf(generatePrivateKey());
  const peer = publicKeyOf(generatePrivateKey());
  const psk = generatePresharedKey();
  const text = uapiSetText([gone], [{ publicKey: peer, presharedKey: psk, allowedIps: ['100.64.0.2/32', '100.64.0.3/32'], endpoint: '192.0.2.1:51820', persistentKeepalive: 25 }]);
  assert.equal(text, [
    'set=1',
    `public_key=${hexOf(gone)}`, 'remove=true',
    `public_key=${hexOf(peer)}`, `preshared_key=${hexOf(psk)}`, 'replace_allowed_ips=true', 'allowed_ip=100.64.0.2/32', 'allowed_ip=100.64.0.3/32',
    'endpoint=192.0.2.1:51820', 'persistent_keepalive_interval=25',
  ].join('\n') + '\n\n');
  assert.ok(!text.includes(psk), 'keys travel as hex only');
});

test('a field that would smuggle a line is refused before anything is sent', () => {
  const peer = publicKeyOf(generatePrivateKey());
  assert.throws(() => uapiSetText([], [{ publicKey: peer, allowedIps: ['100.64.0.2/32\nremove=true'] }]));
  assert.throws(() => uapiSetText([], [{ publicKey: peer, allowedIps: [], endpoint: '1.2.3.4:5\nprivate_key=00' }]));
  assert.throws(() => uapiSetText(['not a key'], []));
});

test('replies: errno=0 is success, anything else an error', () => {
  assert.doesNotThrow(() => parseSetReply('errno=0\n\n'));
  assert.throws(() => parseSetReply('errno=-22\n\n'), /errno -22/);
  assert.throws(() => parseSetReply('garbage'), /unexpected reply/);
});
