// The console's users and devices page in a real browser against a real controller: adding a
// user shows the TOTP secret and its QR code once (on the POST's own answer, never again, in
// no URL) and that secret logs the user in; disable, enable, groups and block go through the
// Admin API as the signed-in admin (audited as them, refusals shown with the API's reason).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiClients, call } from '../../common/grpc.js';
import { serviceModules } from '../../controller/app/modules.js';
import { addUser, codeAt, login, rpcError, startTestController, type TestController } from '../integration/harness.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';
import { launchBrowser, newContext, screenshot } from '../support/browser.js';
import { signIn } from './console-pages.js';

const ADA = { user: 'ada', password: 'pw-ada quartz tram' };
const CAROL = { user: 'carol', password: 'pw-carol quartz tram' };
const ZED = { user: 'zed', password: 'pw-zed quartz tram' };

describe('console users and devices (real chromium)', { timeout: 180_000 }, () => {
  let t: TestController;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let base: string;
  let carol: ReturnType<typeof apiClients>;
  const shots = () => join(t.dir, 'shots');
  /** The audit records of `action` on `target`. */
  const audited = async (action: string, target: string) =>
    (await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: action })).records.filter((r) => r.action === action && r.target === target);
  const row = (name: string) => page.locator('tbody tr', { has: page.locator(`th[scope=row]:text-is("${name}")`) });

  before(async () => {
    t = await startTestController({ modules: serviceModules(), start: { console: { listen: '127.0.0.1:0' } } });
    base = `https://127.0.0.1:${t.controller.consolePort}`;
    const adaSecret = await addUser(t, ADA.user, ADA.password, { admin: true });
    const carolSecret = await addUser(t, CAROL.user, CAROL.password, { groups: ['staff'] });
    const applied = await call(t.admin.admin, 'ApplyPolicy', { yaml: policyYaml({ gateways: ['dc1'], groups: { staff: ['carol'] }, resources: { wiki: WIKI }, grants: [grantTo('staff', 'wiki')] }) });
    assert.ok(applied.version > 0, JSON.stringify(applied.check));
    carol = apiClients(t.api, (await login(t, { username: CAROL.user, password: CAROL.password, totpCode: await codeAt(t, carolSecret), deviceName: 'laptop' })).creds);
    browser = await launchBrowser();
    ctx = await newContext(browser);
    page = await ctx.newPage();
    // Dangerous actions ask first (web/confirm.ts); the admin says yes.
    page.on('dialog', (d) => void d.accept());
    t.advance(30_000);
    await signIn(page, base, ADA.user, ADA.password, await codeAt(t, adaSecret));
    assert.equal(new URL(page.url()).pathname, '/');
  });

  after(async () => {
    carol?.close();
    await browser?.close();
    await t?.stop();
  });

  test('the page lists users with groups, role and state, and devices with owner and last seen', async () => {
    await page.goto(`${base}/users`);
    assert.equal(await page.locator('h1').textContent(), 'Users and devices');
    assert.match(await row('carol').innerText(), /carol\s+staff\s+user\s+active/);
    assert.match(await row('ada').innerText(), /ada\s+none\s+admin\s+active/);
    const laptop = page.locator('section[aria-labelledby=devices] tbody tr', { hasText: 'laptop' });
    assert.match(await laptop.innerText(), /^carol\s+laptop\s+\d{4}-\d\d-\d\d .* UTC \(\d+ s ago\)\s+allowed/);
    await screenshot(page, 'console-users', shots());
  });

  test('adding a user shows the TOTP secret and a QR code once, and that secret logs the user in', async () => {
    await page.goto(`${base}/users`);
    await page.getByLabel('Name').fill(ZED.user);
    await page.getByLabel('Groups (comma-separated)').fill('staff, ops');
    await page.getByLabel('Initial password (optional)').fill(ZED.password);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/users'),
      page.getByRole('button', { name: 'Add user' }).click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(res.status(), 200, 'answered directly, not redirected to a page that could be reloaded');
    assert.equal(res.headers()['cache-control'], 'no-store');
    const secret = (await page.locator('#totp-secret').textContent()) ?? '';
    assert.match(secret, /^[A-Z2-7]{16,}=*$/);
    assert.equal(await page.locator('.qr svg path').count() > 0, true, 'a QR code is drawn');
    assert.match(await page.locator('.warning').textContent() ?? '', /Shown only this once/);
    assert.ok(!page.url().includes(secret), 'the secret is not in the URL');
    await screenshot(page, 'console-user-added', shots());

    // Nowhere later: not on the users page, not in the audit log's page.
    for (const path of ['/audit', '/users']) {
      await page.goto(`${base}${path}`);
      assert.ok(!(await page.content()).includes(secret), `the secret is shown again on ${path}`);
    }
    assert.match(await row('zed').innerText(), /zed\s+ops, staff|zed\s+staff, ops/);

    // The code from the shown secret works with the controller's own login.
    const { res: loggedIn } = await login(t, { username: ZED.user, password: ZED.password, totpCode: await codeAt(t, secret), deviceName: 'phone' });
    assert.equal(loggedIn.username, ZED.user);
    const added = await audited('user.add', 'zed');
    assert.equal(added[0]?.actor, 'admin:ada');
    assert.doesNotMatch(added[0]!.detailsJson, new RegExp(secret), 'the secret is not audited');
  });

  test('a refused change shows the Admin API reason on the page', async () => {
    await page.goto(`${base}/users`);
    await page.getByLabel('Name').fill('carol');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/users'),
      page.getByRole('button', { name: 'Add user' }).click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(res.status(), 409);
    assert.match(await page.locator('.notice.error').textContent() ?? '', /carol/);
    assert.equal(await page.locator('#totp-secret').count(), 0);
    // A malformed request is refused before it reaches the API.
    const token = await page.locator('form.sign-out input[name=_csrf]').getAttribute('value');
    const bad = await ctx.request.post(`${base}/users`, { form: { _csrf: token!, name: 'x'.repeat(65) }, maxRedirects: 0 });
    assert.equal(bad.status(), 400);
  });

  test('disable and enable a user: the list shows it and the audit names the console admin', async () => {
    await page.goto(`${base}/users`);
    await Promise.all([page.waitForURL(`${base}/users`), page.getByRole('button', { name: 'Disable zed' }).click()]);
    await page.waitForLoadState('load');
    assert.match(await page.locator('.notice.ok').textContent() ?? '', /zed is disabled/);
    assert.match(await row('zed').innerText(), /disabled/);
    assert.equal((await audited('user.disable', 'zed'))[0]?.actor, 'admin:ada');
    assert.equal((await call(t.admin.admin, 'ListUsers', {})).users.find((u) => u.name === 'zed')?.disabled, true);

    await Promise.all([page.waitForURL(`${base}/users`), page.getByRole('button', { name: 'Enable zed' }).click()]);
    await page.waitForLoadState('load');
    assert.match(await row('zed').innerText(), /active/);
    assert.equal((await audited('user.enable', 'zed'))[0]?.actor, 'admin:ada');
  });

  test('groups are replaced, and a user is revoked', async () => {
    await page.goto(`${base}/users`);
    await page.getByRole('textbox', { name: 'Groups of carol' }).fill('staff, db-admins');
    await Promise.all([page.waitForURL(`${base}/users`), page.getByRole('button', { name: 'Set groups of carol' }).click()]);
    await page.waitForLoadState('load');
    assert.deepEqual((await call(t.admin.admin, 'ListUsers', {})).users.find((u) => u.name === 'carol')?.groups.sort(), ['db-admins', 'staff']);
    assert.equal((await audited('user.groups', 'carol'))[0]?.actor, 'admin:ada');

    await Promise.all([page.waitForURL(`${base}/users`), page.getByRole('button', { name: 'Revoke zed' }).click()]);
    await page.waitForLoadState('load');
    assert.match(await page.locator('.notice.ok').textContent() ?? '', /zed: \d+ session\(s\) ended, \d+ certificate\(s\) revoked/);
    assert.equal((await audited('user.revoke', 'zed'))[0]?.actor, 'admin:ada');
  });

  test('blocking a device (with a reason) ends its credential', async () => {
    assert.deepEqual((await call(carol.client, 'ListResources', {})).resources.map((r) => r.resource), ['wiki'], 'carol\'s laptop works before');
    await page.goto(`${base}/users`);
    await page.getByLabel("Reason to block carol's laptop").fill('lost on the train');
    await Promise.all([page.waitForURL(`${base}/users`), page.getByRole('button', { name: "Block carol's laptop" }).click()]);
    await page.waitForLoadState('load');
    assert.match(await page.locator('.notice.ok').textContent() ?? '', /carol's device laptop is blocked/);
    assert.match(await page.locator('section[aria-labelledby=devices] tbody tr', { hasText: 'laptop' }).innerText(), /blocked/);
    const rec = (await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: 'device.block' })).records[0];
    assert.equal(rec?.actor, 'admin:ada');
    assert.match(rec!.detailsJson, /lost on the train/);
    assert.equal((await rpcError(call(carol.client, 'ListResources', {}))).code, grpc.status.PERMISSION_DENIED);
  });

  test('on a phone the page stays usable', async () => {
    const phone = await newContext(browser, { width: 390, height: 844 });
    await phone.addCookies((await ctx.cookies()).filter((c) => c.name === '__Host-wicket-session'));
    const p = await phone.newPage();
    await p.goto(`${base}/users`);
    assert.equal(await p.locator('h1').textContent(), 'Users and devices');
    // Nothing but the tables (which scroll in their own box) is wider than the screen.
    assert.equal(await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await screenshot(p, 'console-users-phone', shots());
    await phone.close();
  });
});
