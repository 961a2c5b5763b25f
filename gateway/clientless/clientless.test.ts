import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import { TICKET_TYPE, type AccessClaims } from '../../common/access-claims.js';
import { AccessCookies, COOKIE_LIFETIME_S } from './cookie.js';
import { TicketVerifier } from './ticket.js';

const ISSUER = 'https://ctl.example:7445';
const claims: AccessClaims = { sub: 'alice', groups: ['eng'], device: 'd'.repeat(32), sid: 's1', res: 'wiki', grants: [{ grant: 'g', methods: ['GET'], paths: ['/docs/*'] }] };
const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

async function controllerKeys() {
  const { privateKey, publicKey } = ecKey();
  const jwk = { ...(await exportJWK(publicKey)), kid: 'ctl1', alg: 'ES256', use: 'sig' };
  return { privateKey, jwks: JSON.stringify({ keys: [jwk] }) };
}

function ticket(privateKey: ReturnType<typeof ecKey>['privateKey'], over: { aud?: string; typ?: string; jti?: string; iat?: number; exp?: number; body?: object; kid?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...(over.body ?? claims), jti: over.jti ?? 'j'.repeat(20) }).setProtectedHeader({ alg: 'ES256', kid: over.kid ?? 'ctl1', typ: over.typ ?? TICKET_TYPE })
    .setIssuer(ISSUER).setAudience(over.aud ?? 'wiki.corp.example').setIssuedAt(over.iat ?? now).setExpirationTime(over.exp ?? now + 60).sign(privateKey);
}

test('a ticket from the controller verifies once, for its hostname only', async () => {
  const ctl = await controllerKeys();
  const v = new TicketVerifier();
  v.configure(ctl.jwks, ISSUER);
  assert.deepEqual(await v.verify(await ticket(ctl.privateKey), 'wiki.corp.example'), claims);
  await assert.rejects(v.verify(await ticket(ctl.privateKey), 'wiki.corp.example'), /used already/, 'the same jti twice');
  await assert.rejects(v.verify(await ticket(ctl.privateKey, { jti: 'k'.repeat(20) }), 'other.corp.example'), /aud/);
});

test('forged, mistyped, stale or malformed tickets are refused', async () => {
  const ctl = await controllerKeys();
  const v = new TicketVerifier();
  v.configure(ctl.jwks, ISSUER);
  const other = ecKey();
  const now = Math.floor(Date.now() / 1000);
  const cases: [string, Promise<string>][] = [
    ['another key', ticket(other.privateKey, { jti: 'a'.repeat(20) })],
    ['a cookie-typed token', ticket(ctl.privateKey, { jti: 'b'.repeat(20), typ: 'wicket-access' })],
    ['an expired ticket', ticket(ctl.privateKey, { jti: 'c'.repeat(20), iat: now - 300, exp: now - 200 })],
    ['a long-lived ticket', ticket(ctl.privateKey, { jti: 'd'.repeat(20), iat: now - 120, exp: now + 3600 })],
    ['claims missing grants', ticket(ctl.privateKey, { jti: 'e'.repeat(20), body: { ...claims, grants: [] } })],
    ['no id', ticket(ctl.privateKey, { jti: 'short' })],
  ];
  for (const [what, t] of cases) await assert.rejects(v.verify(await t, 'wiki.corp.example'), what);
  await assert.rejects(v.verify('not-a-jwt', 'wiki.corp.example'));
  await assert.rejects(new TicketVerifier().verify(await ticket(ctl.privateKey), 'wiki.corp.example'), /no controller keys/);
});

test('the gateway cookie carries the claims for one hostname and expires', async () => {
  let now = Date.now();
  const cookies = new AccessCookies(() => now);
  cookies.configure({ kid: 'gw1', privateKey: ecKey().privateKey }, ISSUER);
  const { value, maxAgeS } = await cookies.issue(claims, 'wiki.corp.example');
  assert.equal(maxAgeS, COOKIE_LIFETIME_S);
  assert.deepEqual((await cookies.verify(value, 'wiki.corp.example'))?.claims, claims);
  assert.equal(await cookies.verify(value, 'grafana.corp.example'), undefined, 'another hostname');
  assert.equal(await cookies.verify(value.slice(0, -3) + 'AAA', 'wiki.corp.example'), undefined, 'tampered');
  assert.equal(await cookies.verify(undefined, 'wiki.corp.example'), undefined);
  now += (COOKIE_LIFETIME_S + 1) * 1000;
  assert.equal(await cookies.verify(value, 'wiki.corp.example'), undefined, 'expired (also once cached)');
});

test('a ticket or a token signed by another key is not a cookie; a new key ends old cookies', async () => {
  const cookies = new AccessCookies();
  const key = ecKey().privateKey;
  cookies.configure({ kid: 'gw1', privateKey: key }, ISSUER);
  const asTicket = await ticket(key);
  assert.equal(await cookies.verify(asTicket, 'wiki.corp.example'), undefined, 'typ wicket-ticket is refused');
  const { value } = await cookies.issue(claims, 'wiki.corp.example');
  cookies.configure({ kid: 'gw2', privateKey: ecKey().privateKey }, ISSUER);
  assert.equal(await cookies.verify(value, 'wiki.corp.example'), undefined);
});
