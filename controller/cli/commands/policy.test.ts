// Tests of `wicketctl policy explain`'s target syntax: a resource, a protocol and port of a
// network resource, or a method and path of an HTTP resource; anything else is refused
// before a request is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../../../common/cli.js';
import { parseTarget } from './policy.js';

const none = { protocol: '', port: 0, httpMethod: '', httpPath: '' };

for (const [text, expected] of [
  ['db', { resource: 'db', ...none }],
  ['db:tcp/5432', { resource: 'db', ...none, protocol: 'tcp', port: 5432 }],
  ['db:udp', { resource: 'db', ...none, protocol: 'udp' }],
  ['router:icmp', { resource: 'router', ...none, protocol: 'icmp' }],
  ['wiki:GET/docs/a', { resource: 'wiki', ...none, httpMethod: 'GET', httpPath: '/docs/a' }],
  ['wiki:POST/', { resource: 'wiki', ...none, httpMethod: 'POST', httpPath: '/' }],
  ['wiki:GET/docs/a:b?x=1', { resource: 'wiki', ...none, httpMethod: 'GET', httpPath: '/docs/a:b?x=1' }],
] as const) {
  test(`parses ${text}`, () => assert.deepEqual(parseTarget(text), expected));
}

for (const text of ['', 'db:tcp/99999', 'router:icmp/1', 'wiki:get/docs/a', 'wiki:/docs/a', 'wiki:GET', 'wiki:G T/docs']) {
  test(`refuses "${text}"`, () => assert.throws(() => parseTarget(text), (err) => err instanceof CliError && /RESOURCE:METHOD\/PATH/.test(err.message)));
}
