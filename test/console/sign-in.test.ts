// The console's sign-in and its security boundaries, in a real browser (Debian's chromium
// through playwright-core) against a real controller: password + TOTP through the
// controller's login, admins only, a cookie that is HttpOnly/Secure/SameSite=Strict and
// stops working when the admin is disabled, CSRF and cross-origin refusals on state
// changes, a strict Content-Security-Policy, rate-limited sign-in, and the audit record.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { call } from '../../common/grpc.js';
import { serviceModules } from '../../controller/app/modules.js';
import { addUser, codeAt, startTestController, type TestController } from '../integration/harness.js';
import { launchBrowser, newContext, screenshot } from '../support/browser.js';
import { signIn } from './console-pages.js';

const ADA = { user: 'ada', password: 'pw-ada quartz tram' };
const BOB = { user: 'bob', password: 'pw-bob quartz tram' };

describe('console sign-in and its boundaries (real chromium)', { timeout: 180_000 }, () => {
  let t: TestController;
  let browser: Browser;
  let base: string;
  const secrets: Record<string, string> = {};
  /** A code of a step not used yet (the login refuses a replayed step): the controller's clock moves one step first. */
  const freshCode = (user: string) => {
    t.advance(30_000);
    return codeAt(t, secrets[user]!);
  };

  before(async () => {
    t = await startTestController({ modules: serviceModules(), start: { console: { listen: '127.0.0.1:0', signInPerMinute: 10 } } });
    base = `https://127.0.0.1:${t.controller.consolePort}`;
    secrets.ada = await addUser(t, ADA.user, ADA.password, { admin: true });
    secrets.bob = await addUser(t, BOB.user, BOB.password);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  test('an admin signs in with password and TOTP; the cookie is HttpOnly, Secure, SameSite=Strict; the login is audited', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, base, ADA.user, ADA.password, await freshCode('ada'));
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.locator('h1').textContent(), 'Overview');
    await screenshot(page, 'console-overview-empty', join(t.dir, 'shots'));
    const [cookie] = (await ctx.cookies()).filter((c) => c.name === '__Host-wicket-session');
    assert.ok(cookie, 'a session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(await page.evaluate('document.cookie.includes("wicket-session")'), false, 'script cannot read the session cookie');
    const audit = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: 'login.ok' });
    const rec = audit.records.find((r) => r.target === 'ada');
    assert.ok(rec, 'login.ok recorded for ada');
    assert.match(rec.detailsJson, /"device_name":"console"/);
    await ctx.close();
  });

  test('every page carries a strict Content-Security-Policy that forbids inline script and framing', async () => {
    const ctx = await newContext(browser);
    const res = await ctx.request.get(`${base}/sign-in`);
    const csp = res.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    // The browser enforces it: an injected inline script does not run.
    const page = await ctx.newPage();
    await page.goto(`${base}/sign-in`);
    // (Browser-side code is passed as text: this file is type-checked without the DOM library.)
    const ran = await page.evaluate(`(() => {
      const s = document.createElement('script');
      s.textContent = 'window.inlineRan = true';
      document.body.appendChild(s);
      return window.inlineRan === true;
    })()`);
    assert.equal(ran, false, 'inline script ran despite the CSP');
    await ctx.close();
  });

  test('a non-admin cannot sign in, with the same answer as wrong credentials', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, base, BOB.user, BOB.password, await freshCode('bob'));
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    assert.match(await page.locator('.notice.error').textContent() ?? '', /invalid credentials/);
    assert.equal((await ctx.cookies()).some((c) => c.name === '__Host-wicket-session'), false);
    await ctx.close();
  });

  test('a state change without the CSRF token, or from another origin, is refused and changes nothing', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, base, ADA.user, ADA.password, await freshCode('ada'));
    // Sign-out is a state change: without the token, or with a foreign Origin, it must not happen.
    const noToken = await ctx.request.post(`${base}/sign-out`, { form: { x: '1' }, maxRedirects: 0 });
    assert.equal(noToken.status(), 403, await noToken.text());
    const token = await page.locator('form.sign-out input[name=_csrf]').getAttribute('value');
    assert.ok(token);
    const foreign = await ctx.request.post(`${base}/sign-out`, { form: { _csrf: token }, headers: { origin: 'https://evil.example' }, maxRedirects: 0 });
    assert.equal(foreign.status(), 403);
    assert.match(await foreign.text(), /cross-origin/);
    const crossSite = await ctx.request.post(`${base}/sign-out`, { form: { _csrf: token }, headers: { 'sec-fetch-site': 'cross-site' }, maxRedirects: 0 });
    assert.equal(crossSite.status(), 403);
    // Still signed in: none of them took effect.
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/');
    // The real button works (same origin, with the token).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/sign-in`);
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'signed out');
    await ctx.close();
  });

  test('the session cookie stops working when the admin is disabled', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, base, ADA.user, ADA.password, await freshCode('ada'));
    assert.equal(new URL(page.url()).pathname, '/');
    const cookies = await ctx.cookies();
    await call(t.admin.admin, 'SetUserDisabled', { name: 'ada', disabled: true });
    try {
      await page.goto(`${base}/`);
      assert.equal(new URL(page.url()).pathname, '/sign-in', 'sent back to sign in');
      // Re-enabling the user does not bring the old cookie back.
      await call(t.admin.admin, 'SetUserDisabled', { name: 'ada', disabled: false });
      const replay = await newContext(browser);
      await replay.addCookies(cookies);
      const res = await replay.request.get(`${base}/`, { maxRedirects: 0 });
      assert.equal(res.status(), 303);
      assert.equal(res.headers().location, '/sign-in');
      await replay.close();
    } finally {
      await call(t.admin.admin, 'SetUserDisabled', { name: 'ada', disabled: false });
    }
    await ctx.close();
  });

  test('the session cookie stops working when the admin is revoked, or when its own console device is blocked', async () => {
    const signedIn = async () => {
      const ctx = await newContext(browser);
      const page = await ctx.newPage();
      await signIn(page, base, ADA.user, ADA.password, await freshCode('ada'));
      assert.equal(new URL(page.url()).pathname, '/');
      return { ctx, page };
    };
    const stillIn = async (page: Awaited<ReturnType<typeof signedIn>>['page']) => {
      await page.goto(`${base}/`);
      return new URL(page.url()).pathname === '/';
    };
    // Revoking the user ends every certificate, so every console session of theirs.
    const revoked = await signedIn();
    await call(t.admin.admin, 'RevokeUser', { name: 'ada' });
    assert.equal(await stillIn(revoked.page), false, 'signed out after RevokeUser');
    await revoked.ctx.close();
    // Each console sign-in is a device of its own: blocking one ends that session only.
    const a = await signedIn();
    const b = await signedIn();
    const consoles = (await call(t.admin.admin, 'ListDevices', {})).devices
      .filter((d) => d.username === 'ada' && d.name === 'console' && !d.blocked)
      .sort((x, y) => Number(y.firstSeenMs) - Number(x.firstSeenMs));
    assert.ok(consoles[0], 'the console sign-in is a device');
    await call(t.admin.admin, 'BlockDevice', { id: consoles[0].id });
    assert.equal(await stillIn(b.page), false, 'the blocked device\'s session ended');
    assert.equal(await stillIn(a.page), true, 'the other console session goes on');
    await a.ctx.close();
    await b.ctx.close();
  });

  test('sign-in is rate limited per address', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${base}/sign-in`);
    const token = await page.locator('input[name=_csrf]').getAttribute('value');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const r = await ctx.request.post(`${base}/sign-in`, { form: { _csrf: token!, username: 'nobody', password: 'x', totp: '000000' }, maxRedirects: 0 });
      statuses.push(r.status());
    }
    assert.ok(statuses.includes(429), `no attempt was rate limited: ${statuses.join(',')}`);
    await ctx.close();
  });
});
