// Tests of the DNS link: the service listens on the configured service address, moves with it,
// stops without one, and tries again after a failed listen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../common/log.js';
import type { GatewayConfig__Output } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import { DnsLink } from './dns-link.js';

const log = createLogger('dns-link-test', { write: () => true } as unknown as NodeJS.WritableStream);

const config = (serviceAddress: string): GatewayConfig__Output => ({
  serviceAddress, serviceAddressIpv6: '', issuer: 'iss', controllerJwks: '', signInUrl: '', httpResources: [], signingKey: null,
});
const change = (c: GatewayConfig__Output | null) => ({ kind: 'delta' as const, applied: true, sessions: [], removes: [], config: c });

test('the dns service follows the service address', async () => {
  const calls: string[] = [];
  let fail = false;
  const link = new DnsLink({
    log,
    service: {
      listen: async (host, port) => {
        if (fail) throw new Error('EADDRNOTAVAIL');
        calls.push(`listen ${host}:${port}`);
      },
      close: async () => { calls.push('close'); },
    },
  });
  await link.applied(change(config('')));
  await link.applied(change(config('100.127.255.254')));
  await link.applied(change(config('100.127.255.254')));
  await link.applied(change(null));
  assert.deepEqual(calls, ['close', 'listen 100.127.255.254:53'], 'once per address, on port 53');
  calls.length = 0;
  fail = true;
  await link.applied(change(config('100.127.255.253')));
  fail = false;
  await link.applied(change(config('100.127.255.253')));
  assert.deepEqual(calls, ['close', 'close', 'listen 100.127.255.253:53'], 'a failed listen is tried again');
  calls.length = 0;
  await link.applied(change(config('not an address')));
  assert.deepEqual(calls, ['close']);
});

test('an IPv6 service address outside the gateway\'s prefix is an error naming both, once per address', async () => {
  const lines: string[] = [];
  const capture = createLogger('dns-link-test', { write: (l: string) => { lines.push(l); return true; } } as unknown as NodeJS.WritableStream);
  const link = new DnsLink({ log: capture, overlayIpv6: 'fd6b:7769:636b::/64', service: { listen: async () => undefined, close: async () => undefined } });
  const v6 = (a: string) => change({ ...config('100.127.255.254'), serviceAddressIpv6: a });
  await link.applied(v6('fd6b:7769:636b::3f:fffe'));
  assert.equal(lines.filter((l) => l.includes('outside')).length, 0, 'inside the prefix: nothing said');
  await link.applied(v6('fd99::3f:fffe'));
  await link.applied(v6('fd99::3f:fffe'));
  const errors = lines.filter((l) => l.includes('outside'));
  assert.equal(errors.length, 1, 'once per change');
  assert.match(errors[0], /fd99::3f:fffe.*fd6b:7769:636b::\/64/);
  await link.applied(v6('fd98::1'));
  assert.equal(lines.filter((l) => l.includes('outside')).length, 2, 'a new address is checked again');
});
