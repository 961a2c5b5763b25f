// Unit tests for the API endpoint derivation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveApiEndpoint, isUnspecifiedHost } from './endpoint.js';

test('an unspecified API host is replaced by the auth host', () => {
  assert.equal(deriveApiEndpoint('0.0.0.0:8443', 'ctl.example:8444'), 'ctl.example:8443');
  assert.equal(deriveApiEndpoint('[::]:8443', '10.0.0.1:8444'), '10.0.0.1:8443');
  assert.equal(deriveApiEndpoint(':8443', '[fd00::1]:8444'), '[fd00::1]:8443');
});

test('a concrete API host is kept', () => {
  assert.equal(deriveApiEndpoint('api.example:9000', '10.0.0.1:8444'), 'api.example:9000');
  assert.equal(deriveApiEndpoint('[fd00::2]:9000', '10.0.0.1:8444'), '[fd00::2]:9000');
});

test('empty or malformed endpoints are rejected with a message', () => {
  assert.throws(() => deriveApiEndpoint('', '10.0.0.1:8444'), /empty api_endpoint/);
  assert.throws(() => deriveApiEndpoint('nonsense', '10.0.0.1:8444'), /HOST:PORT/);
  assert.throws(() => deriveApiEndpoint('1.2.3.4:99999', '10.0.0.1:8444'), /HOST:PORT/);
});

test('unspecified hosts', () => {
  assert.equal(isUnspecifiedHost(''), true);
  assert.equal(isUnspecifiedHost('0.0.0.0'), true);
  assert.equal(isUnspecifiedHost('::'), true);
  assert.equal(isUnspecifiedHost('127.0.0.1'), false);
  assert.equal(isUnspecifiedHost('localhost'), false);
});
