// Console sign-in with single sign-on, in a real browser: Debian's chromium follows the OIDC
// authorization code flow with PKCE to a real OpenID provider (oidc-provider), signs in
// there, and comes back signed in to the console — only as an admin linked to that
// identity with MFA; anyone else is refused with "invalid credentials" and provisioned
// nowhere, and a callback this browser did not start is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { call } from '../../common/grpc.js';
import { serviceModules } from '../../controller/app/modules.js';
import { parseSsoConfig } from '../../controller/sso/config.js';
import { startTestController, type TestController } from '../integration/harness.js';
import { startTestProvider, type TestProvider } from '../support/oidc-test-provider.js';
import { launchBrowser, newContext } from '../support/browser.js';

const CLIENT_ID = 'wicket-console';
const SECRET = 'console-client-secret-0123456789';

/** A port free now (the provider must know the console's redirect URI before the console starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

async function ssoSignIn(page: Page, base: string, account: string, password: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByRole('link', { name: 'Sign in with corp' }).click();
  await page.getByLabel('Login').fill(account);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.origin === base && u.pathname !== '/sso-callback', { timeout: 15_000 }).catch(() => undefined);
  await page.waitForLoadState('load');
}

describe('console sign-in with SSO (authorization code + PKCE, real chromium, real provider)', { timeout: 180_000 }, () => {
  let t: TestController;
  let op: TestProvider;
  let browser: Browser;
  let base: string;

  before(async () => {
    const port = await freePort();
    base = `https://127.0.0.1:${port}`;
    op = await startTestProvider({
      clients: [{ clientId: CLIENT_ID, clientSecret: SECRET, redirectUris: [`${base}/sso-callback`] }],
      accounts: {
        'ada-sub': { password: 'ada-idp quartz tram', email: 'ada@example.com', groups: ['ops'], amr: ['pwd', 'otp'] },
        'ada-nomfa': { password: 'ada-idp quartz tram', email: 'ada2@example.com', groups: [], amr: ['pwd'] },
        'carl-sub': { password: 'carl-idp quartz tram', email: 'carl@example.com', groups: ['eng'], amr: ['pwd', 'otp'] },
      },
    });
    const sso = parseSsoConfig(`providers:
  - name: corp
    issuer: ${op.issuer}
    client_id: ${CLIENT_ID}
    client_secret_file: corp.secret
    scopes: [openid, email, groups]
    allowed_email_domains: [example.com]
    provisioning: auto
    allow_insecure_http: true
`, '/etc/wicket', () => SECRET);
    t = await startTestController({ modules: serviceModules(), start: { sso, console: { listen: `127.0.0.1:${port}` } } });
    await call(t.admin.admin, 'AddUser', { name: 'ada', password: 'pw-ada quartz tram', admin: true, groups: [] });
    await call(t.admin.admin, 'LinkUser', { name: 'ada', provider: 'corp', subject: 'ada-sub' });
    await call(t.admin.admin, 'AddUser', { name: 'ada2', password: '', admin: true, groups: [] });
    await call(t.admin.admin, 'LinkUser', { name: 'ada2', provider: 'corp', subject: 'ada-nomfa' });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await t?.stop();
    await op?.close();
  });

  test('an admin linked to the provider identity, with MFA, signs in and reaches the console', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await ssoSignIn(page, base, 'ada-sub', 'ada-idp quartz tram');
    await page.waitForURL(`${base}/`);
    assert.equal(await page.locator('h1').textContent(), 'Overview');
    assert.equal(await page.locator('form.sign-out span').textContent(), 'ada');
    const audit = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: 'login.ok' });
    const rec = audit.records.find((r) => r.target === 'ada' && /"method":"sso"/.test(r.detailsJson));
    assert.ok(rec, 'login.ok by sso recorded');
    assert.match(rec.detailsJson, /"device_name":"console"/);
    await ctx.close();
  });

  test('a provider account that is no admin is refused and provisioned nowhere; an admin without MFA is refused', async () => {
    for (const [account, user] of [['carl-sub', 'carl@example.com'], ['ada-nomfa', 'ada2']] as const) {
      const ctx = await newContext(browser);
      const page = await ctx.newPage();
      await ssoSignIn(page, base, account, account === 'carl-sub' ? 'carl-idp quartz tram' : 'ada-idp quartz tram');
      assert.match(await page.locator('.notice.error').textContent() ?? '', /invalid credentials/, account);
      assert.equal((await ctx.cookies()).some((c) => c.name === '__Host-wicket-session'), false, account);
      await ctx.close();
      const fails = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: 'login.fail' });
      assert.ok(fails.records.some((r) => r.target.includes(account) && /"method":"sso"/.test(r.detailsJson)), `login.fail recorded for ${account}`);
      if (account === 'carl-sub') {
        const users = await call(t.admin.admin, 'ListUsers', {});
        assert.equal(users.users.some((u) => u.name === user), false, 'no user provisioned for a refused console sign-in');
      }
    }
  });

  test('a callback this browser did not start is refused', async () => {
    const ctx = await newContext(browser);
    const res = await ctx.request.get(`${base}/sso-callback?code=stolen&state=whatever`, { maxRedirects: 0 });
    assert.equal(res.status(), 400);
    assert.equal((await ctx.cookies()).some((c) => c.name === '__Host-wicket-session'), false);
    await ctx.close();
  });
});
