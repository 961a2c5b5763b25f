// Clientless access end to end: Debian's chromium on a client host without the tunnel opens
// a public HTTP resource at the gateway's public HTTPS listener, is sent to sign in at the
// controller, signs in through the real OpenID provider (authorization code + PKCE) or with
// password and TOTP, and comes back to the application with the gateway's cookie; the
// upstream gets a verifiable assertion. The cookie works for that hostname only; an expired
// cookie sends the browser back through the controller; a grant that requires the tunnel
// gives a browser nothing; and each request is a record (tunnel = false).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import forge from 'node-forge';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADDR, httpRequest, startServer, type Program } from '../../scripts/topology/index.js';
import { eventually, PORTS, Service, WicketSystem } from '../../scripts/topology/system.js';
import { testProviderConfig } from '../support/oidc-test-provider.js';
import { selfSigned } from '../support/certificates.js';
import { CHROMIUM, launchBrowser, newContext } from '../support/browser.js';

const HELPER = join(fileURLToPath(new URL('.', import.meta.url)), 'sso-provider.js');
const UPSTREAM_PORT = 8080;
const PUBLIC_PORT = 8443;
const METRICS_PORT = 9464;
const WIKI = 'wiki.corp.example';
const GRAFANA = 'grafana.corp.example';
const COOKIE_LIFETIME_S = 8;
const CONSOLE = `https://${ADDR.ctl}:${PORTS.console}`;
const CLIENT = { clientId: 'wicket', clientSecret: 'e2e-clientless-secret-0123', redirectUris: [`${CONSOLE}/sso-callback`] };
const ACCOUNTS = { 'alice-sub': { password: 'alice-idp quartz tram', email: 'alice@example.com', groups: ['eng'], amr: ['pwd', 'otp'] } };

const POLICY = `gateways: [dc1]
groups:
  engineering: [bob]
resources:
  wiki:
    http: { upstream: "http://${ADDR.r1}:${UPSTREAM_PORT}", hostname: ${WIKI}, public: true }
    gateway: dc1
  grafana:
    http: { upstream: "http://${ADDR.r1}:${UPSTREAM_PORT}", hostname: ${GRAFANA}, public: true }
    gateway: dc1
grants:
  - name: eng-wiki
    to: [group:engineering, group:idp:eng]
    resources: [wiki]
    http: { methods: [GET], paths: ["/docs/**"] }
  - name: grafana-tunnel-only
    to: [group:engineering, group:idp:eng]
    resources: [grafana]
    require: { tunnel: true }
`;

interface Echoed { method: string; url: string; headers: Record<string, string> }

describe('clientless access to a public HTTP resource (chromium, namespaces)', { timeout: 600_000 }, () => {
  let sys: WicketSystem;
  let provider: Service;
  let upstream: Program;
  let browser: Browser;
  const app = (host: string, path: string) => `https://${host}:${PUBLIC_PORT}${path}`;
  const echoedOn = async (page: Page): Promise<Echoed> => JSON.parse(await page.locator('body').innerText()) as Echoed;

  before(async () => {
    sys = await WicketSystem.create('wicket-e2e-clientless-');
    upstream = await startServer(sys.topo, 'r1', 'http-echo', UPSTREAM_PORT);
    sys.servers.push(upstream);
    await sys.initController();
    provider = new Service('oidc provider', sys.topo.spawn('ctl', process.execPath, [HELPER, 'serve', ADDR.ctl]));
    provider.child.stdin!.end(JSON.stringify({ clients: [CLIENT], accounts: ACCOUNTS }));
    await provider.waitFor(/^issuer http:\/\//, 20_000);
    const issuer = provider.lines.find((l) => l.startsWith('issuer '))!.slice('issuer '.length);
    writeFileSync(join(sys.dir, 'corp.secret'), `${CLIENT.clientSecret}\n`, { mode: 0o600 });
    writeFileSync(join(sys.dir, 'sso.yaml'), `providers:\n${testProviderConfig(issuer, CLIENT.clientId)}`);
    // The console listens on every address; --issuer says where browsers reach it.
    await sys.startController(['--oidc-config', join(sys.dir, 'sso.yaml'), '--console-listen', `0.0.0.0:${PORTS.console}`, '--issuer', CONSOLE, '--metrics-listen', `127.0.0.1:${METRICS_PORT}`]);
    await sys.addUser('bob');
    // alice exists only at the provider: her first sign-in provisions her (provisioning: auto).
    await sys.applyPolicy(POLICY);
    // The public listener's certificate, for both hostnames (the browser ignores who issued it).
    const { cert, keys } = selfSigned({ subject: WIKI, validForMs: 86_400_000, extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: WIKI }, { type: 2, value: GRAFANA }] }] });
    writeFileSync(join(sys.dir, 'public.crt'), forge.pki.certificateToPem(cert));
    writeFileSync(join(sys.dir, 'public.key'), forge.pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
    await sys.enrollGateway();
    await sys.startGateway('dc1', ['--public-listen', `${ADDR.gw}:${PUBLIC_PORT}`, '--public-cert', join(sys.dir, 'public.crt'), '--public-key', join(sys.dir, 'public.key'),
      '--public-session', `${COOKIE_LIFETIME_S}s`]);
    // chromium runs on c2 (no tunnel), resolving the applications' names to the gateway's WAN address.
    const wrapper = join(sys.dir, 'chromium-in-c2');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${sys.topo.ns('c2')} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await launchBrowser(wrapper, [`--host-resolver-rules=MAP ${WIKI} ${ADDR.gw}, MAP ${GRAFANA} ${ADDR.gw}`]);
  });

  after(async () => {
    await browser?.close();
    await provider?.stop().catch(() => undefined);
    sys?.cleanup();
  });

  let alice: BrowserContext;

  test('a browser without the tunnel signs in with SSO at the controller and reaches the application with a verifiable assertion', async () => {
    alice = await newContext(browser);
    const page = await alice.newPage();
    await page.goto(app(WIKI, '/docs/a?x=1'));
    assert.equal(new URL(page.url()).origin, CONSOLE, 'sent to the controller to sign in');
    assert.equal(new URL(page.url()).pathname, '/access/sign-in');
    await page.getByRole('link', { name: 'Sign in with corp' }).click();
    await page.getByLabel('Login').fill('alice-sub');
    await page.getByLabel('Password').fill(ACCOUNTS['alice-sub'].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.origin === `https://${WIKI}:${PUBLIC_PORT}` && u.pathname === '/docs/a', { timeout: 20_000 });
    const seen = await echoedOn(page);
    assert.equal(seen.url, '/docs/a?x=1');
    const jwks = await httpRequest(sys.topo, 'ctl', `http://127.0.0.1:${METRICS_PORT}/.well-known/jwks.json`);
    const { payload } = await jwtVerify(seen.headers['x-wicket-assertion']!, createLocalJWKSet(JSON.parse(jwks.body!) as JSONWebKeySet), { audience: 'wiki', algorithms: ['ES256'] });
    assert.equal(payload.sub, 'alice@example.com');
    assert.ok((payload.groups as string[]).includes('idp:eng'));
    const cookies = await alice.cookies(app(WIKI, '/'));
    const cookie = cookies.find((c) => c.name === '__Host-wicket-app');
    assert.ok(cookie && cookie.httpOnly && cookie.secure && cookie.domain === WIKI, `a host-only, HttpOnly, Secure cookie: ${JSON.stringify(cookies)}`);
  });

  test('a path the grant lacks gets 403 naming it', async () => {
    const page = await alice.newPage();
    const res = await page.goto(app(WIKI, '/admin'));
    assert.equal(res?.status(), 403);
    assert.match(await page.locator('body').innerText(), /\/admin/);
  });

  test('the cookie does not work for another hostname; a grant that requires the tunnel gives a browser nothing', async () => {
    // A fresh cookie first (the short lifetime of this suite may have run out).
    await (await alice.newPage()).goto(app(WIKI, '/docs/fresh'));
    const value = (await alice.cookies(app(WIKI, '/'))).find((c) => c.name === '__Host-wicket-app')!.value;
    // The same cookie sent to the other application: treated as no cookie.
    const replay = await httpRequest(sys.topo, 'c2', `https://${ADDR.gw}:${PUBLIC_PORT}/`, { headers: { host: `${GRAFANA}:${PUBLIC_PORT}`, cookie: `__Host-wicket-app=${value}` }, caFile: join(sys.dir, 'public.crt') });
    assert.equal(replay.status, 302, JSON.stringify(replay));
    assert.match(String(replay.headers?.location), /\/access\/sign-in\?/);
    // ...while on its own hostname the same request is let in.
    const own = await httpRequest(sys.topo, 'c2', `https://${ADDR.gw}:${PUBLIC_PORT}/docs/e`, { headers: { host: `${WIKI}:${PUBLIC_PORT}`, cookie: `__Host-wicket-app=${value}` }, caFile: join(sys.dir, 'public.crt') });
    assert.equal(own.status, 200, JSON.stringify(own));
    const before = upstream.events.length;
    // Following the sign-in: the controller refuses a ticket, since grafana's grant requires the tunnel.
    const page = await alice.newPage();
    const res = await page.goto(app(GRAFANA, '/'));
    assert.equal(new URL(page.url()).origin, CONSOLE);
    assert.equal(res?.status(), 403);
    assert.match(await page.locator('body').innerText(), /requires the tunnel|tunnel/);
    assert.equal(upstream.events.slice(before).filter((e) => e.request).length, 0, 'nothing reached the upstream');
  });

  test('an expired cookie sends the browser back through the controller, which lets it in again while its sign-in lasts', async () => {
    const page = await alice.newPage();
    await page.goto(app(WIKI, '/docs/b'));
    assert.equal((await echoedOn(page)).url, '/docs/b');
    await new Promise((r) => setTimeout(r, (COOKIE_LIFETIME_S + 1) * 1000));
    const visited: string[] = [];
    page.on('request', (r) => visited.push(r.url()));
    await page.goto(app(WIKI, '/docs/c'));
    assert.ok(visited.some((u) => u.startsWith(`${CONSOLE}/access/sign-in`)), `went through the controller: ${visited.join(' ')}`);
    assert.equal((await echoedOn(page)).url, '/docs/c');
  });

  test('password and TOTP sign-in works too; the requests are records without the tunnel', async () => {
    const bob = await newContext(browser);
    const page = await bob.newPage();
    await page.goto(app(WIKI, '/docs/d'));
    const creds = sys.credentials('bob');
    await page.getByLabel('User name').fill('bob');
    await page.getByLabel('Password').fill(creds.password);
    await page.getByLabel('Code from your authenticator app').fill(await sys.totp('bob'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/docs/d', { timeout: 20_000 });
    assert.equal((await echoedOn(page)).url, '/docs/d');
    await bob.close();
    type Row = { username: string; path: string; status: number; tunnel: boolean };
    await eventually(async () => {
      const rows = (await sys.wicketctlJson<{ httpRequests: { request: Row }[] }>(['flows', '--http'])).httpRequests.map((v) => v.request);
      return rows.some((r) => r.username === 'bob' && r.path === '/docs/d' && r.status === 200 && !r.tunnel)
        && rows.some((r) => r.username === 'alice@example.com' && r.path === '/admin' && r.status === 403 && !r.tunnel);
    }, 30_000, 'browser requests appear in flows --http');
  });
});
