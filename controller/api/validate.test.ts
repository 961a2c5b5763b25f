// Unit tests of request validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { validate } from './validate.js';
import { RpcError } from './errors.js';

function rejects(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (err: unknown) => err instanceof RpcError && err.code === grpc.status.INVALID_ARGUMENT && message.test(err.message));
}

test('names: 1-64 of the allowed characters', () => {
  assert.equal(validate('RevokeUserRequest', { name: 'a.b_c-d@e' }).name, 'a.b_c-d@e');
  assert.equal(validate('RevokeUserRequest', { name: 'x'.repeat(64) }).name.length, 64);
  rejects(() => validate('RevokeUserRequest', { name: '' }), /^name: must not be empty$/);
  rejects(() => validate('RevokeUserRequest', { name: 'x'.repeat(65) }), /^name: must be at most 64/);
  for (const n of ['a\u0000', 'a\n', "a'", 'a;b', 'a b', 'ä', 'a"', 'a%']) rejects(() => validate('RevokeUserRequest', { name: n }), /^name: may contain only/);
});

test('fields are named in proto spelling, with indexes', () => {
  rejects(() => validate('SetUserGroupsRequest', { name: 'a', groups: ['ok', 'no way'] }), /^groups\[1\]: /);
  rejects(() => validate('CreateJoinTokenRequest', { gatewayName: 'dc1', ttlSeconds: 1.5 }), /^ttl_seconds: must be an integer/);
  rejects(() => validate('ConnectRequest', { wgPublicKey: 'short', posture: null, ackTimeoutMs: 0 }), /^wg_public_key: /);
  rejects(() => validate('HeartbeatRequest', { sessionId: 's1', posture: { os: 'linux', osVersion: '', clientVersion: '', diskEncryption: 'maybe', firewall: '', hostname: '' } }), /^posture\.disk_encryption: /);
});

test('sizes follow the proto comments', () => {
  const csr = '-----BEGIN CERTIFICATE REQUEST-----\n';
  const login = { username: 'a', password: 'p', totpCode: '123456', csrPem: csr, deviceName: '' };
  assert.equal(validate('LoginRequest', login).username, 'a');
  rejects(() => validate('LoginRequest', { ...login, password: 'é'.repeat(513) }), /^password: must be at most 1024 bytes/);
  rejects(() => validate('LoginRequest', { ...login, csrPem: csr + 'x'.repeat(8192) }), /^csr_pem: must be at most 8 KiB/);
  rejects(() => validate('LoginRequest', { ...login, totpCode: '12345' }), /^totp_code: must be 6 digits/);
  rejects(() => validate('PolicyRequest', { yaml: 'x'.repeat((1 << 20) + 1) }), /^yaml: must be at most 1 MiB/);
  assert.equal(validate('ConnectRequest', { wgPublicKey: 'q'.repeat(42) + 'A=', posture: null, ackTimeoutMs: 0 }).wgPublicKey.length, 44);
});
