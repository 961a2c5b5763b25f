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
