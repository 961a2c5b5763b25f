// The issuer flag: an https URL naming an origin and path only; the default origin brackets IPv6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpsOrigin, validateIssuer } from './issuer.js';

test('an https issuer is taken as written; anything else is refused with the reason', () => {
  assert.equal(validateIssuer('https://wicket.corp.example'), 'https://wicket.corp.example');
  assert.equal(validateIssuer('https://wicket.corp.example/tenant'), 'https://wicket.corp.example/tenant');
  assert.throws(() => validateIssuer('wicket.corp.example'), /is not a URL/);
  assert.throws(() => validateIssuer('http://wicket.corp.example'), /must be an https URL/);
  assert.throws(() => validateIssuer('https://u:p@wicket.corp.example'), /credentials, a query or a fragment/);
  assert.throws(() => validateIssuer('https://wicket.corp.example/?a=1'), /credentials, a query or a fragment/);
});

test('the default origin of a listener', () => {
  assert.equal(httpsOrigin('127.0.0.1', 8443), 'https://127.0.0.1:8443');
  assert.equal(httpsOrigin('::1', 8443), 'https://[::1]:8443');
});
