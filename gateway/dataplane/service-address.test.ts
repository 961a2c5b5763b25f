// Unit tests of the service address step's text and of reading the interface's addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddresses, serviceAddressText } from './service-address.js';

test('a new service address goes on before the old one comes off, and the pool route is put back', () => {
  assert.equal(serviceAddressText('wk0', '100.64.0.0/10', '100.127.255.254', ['100.127.255.253']),
    'address replace 100.127.255.254/32 dev wk0\naddress del 100.127.255.253/32 dev wk0\nroute replace 100.64.0.0/10 dev wk0\n');
});

test('the same address is only replaced; no address removes every old one', () => {
  assert.equal(serviceAddressText('wk0', '100.64.0.0/10', '100.127.255.254', ['100.127.255.254']),
    'address replace 100.127.255.254/32 dev wk0\nroute replace 100.64.0.0/10 dev wk0\n');
  assert.equal(serviceAddressText('wk0', '100.64.0.0/10', undefined, ['100.127.255.254']),
    'address del 100.127.255.254/32 dev wk0\nroute replace 100.64.0.0/10 dev wk0\n');
});

test('addresses read back from ip -json', () => {
  const json = JSON.stringify([{ ifname: 'wk0', addr_info: [{ family: 'inet', local: '100.127.255.254', prefixlen: 32 }, { family: 'inet6', local: 'fe80::1' }] }]);
  assert.deepEqual(parseAddresses(json), ['100.127.255.254']);
  assert.deepEqual(parseAddresses('not json'), []);
  assert.deepEqual(parseAddresses('[]'), []);
});
