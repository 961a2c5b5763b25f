// `wicketctl flows` destinations: IPv4 as before, IPv6 bracketed, a queried DNS name as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationText } from './flows.js';

test('a destination is shown unambiguously whatever its kind', () => {
  for (const [destination, protocol, port, text] of [
    ['10.0.1.10', 'tcp', 443, '10.0.1.10:tcp/443'],
    ['fd20::10', 'udp', 53, '[fd20::10]:udp/53'],
    ['db.corp.internal', 'dns', 53, 'db.corp.internal:dns/53'],
    ['wiki.corp.example', 'http', 80, 'wiki.corp.example:http/80'],
  ] as const) assert.equal(destinationText(destination, protocol, port), text);
});
