// The console's audit page in a real browser against a real controller: the records of what
// was done in the test appear newest first with readable details, the action filter and the
// id paging are links that neither skip nor repeat a record, and "Verify chain" shows the
// chain verification's result.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { call } from '../../common/grpc.js';
import { serviceModules } from '../../controller/app/modules.js';
import { addUser, startTestController, type TestController } from '../integration/harness.js';
import { newContext, screenshot } from '../support/browser.js';
import { signedInPage } from './console-pages.js';

const ADA = { user: 'ada', password: 'pw-ada quartz tram' };
/** Users added besides ada: more than a page (50) of user.add records. */
const MORE = 64;

describe('console audit (real chromium)', { timeout: 180_000 }, () => {
  let t: TestController;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let base: string;
  /** The ids in the table, top to bottom. */
  const shownIds = async () => (await page.locator('tbody tr td:first-child').allTextContents()).map(Number);

  before(async () => {
    t = await startTestController({ modules: serviceModules(), start: { console: { listen: '127.0.0.1:0' } } });
    base = `https://127.0.0.1:${t.controller.consolePort}`;
    const secret = await addUser(t, ADA.user, ADA.password, { admin: true });
    for (let i = 0; i < MORE; i++) await addUser(t, `user${i}`, '', { groups: i % 2 ? ['odd'] : [] });
    ({ browser, ctx, page } = await signedInPage(t, base, ADA.user, ADA.password, secret));
    page.on('dialog', (d) => void d.accept());
    // One change made in the console, to find in the log with the console admin as actor.
    await page.goto(`${base}/users`);
    await Promise.all([page.waitForURL(`${base}/users`), page.getByRole('button', { name: 'Disable user7' }).click()]);
    await page.waitForLoadState('load');
    assert.match(await page.locator('.notice.ok').textContent() ?? '', /user7 is disabled/);
  });

  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  test("the newest records come first, including the test's own actions with readable details", async () => {
    await page.goto(`${base}/audit`);
    assert.equal(await page.locator('h1').textContent(), 'Audit');
    const ids = await shownIds();
    assert.equal(ids.length, 50);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    const top = page.locator('tbody tr').first();
    assert.match(await top.innerText(), /admin:ada\s+user\.disable\s+user7/);
    const login = page.locator('tbody tr', { hasText: 'login.ok' });
    assert.match(await login.innerText(), /login\.ok\s+ada\s+.*device_name: console/s);
    const { records } = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: '' });
    assert.equal(ids[0], records.at(-1)!.id, 'the newest record is on top');
  });

  test('older and newer pages are links by id that neither skip nor repeat a record', async () => {
    const { records } = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: '' });
    const all = records.map((r) => r.id).reverse();
    await page.goto(`${base}/audit`);
    const seen: number[] = [];
    let last: number[] = [];
    for (;;) {
      last = await shownIds();
      seen.push(...last);
      const older = page.getByRole('link', { name: 'Older' });
      if (await older.count() === 0) break;
      await Promise.all([page.waitForLoadState('load'), older.click()]);
      assert.match(new URL(page.url()).search, /^\?before=\d+$/);
    }
    assert.deepEqual(seen, all);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Newer' }).click()]);
    assert.match(new URL(page.url()).search, /^\?after=\d+$/);
    const end = all.length - last.length;
    assert.deepEqual(await shownIds(), all.slice(Math.max(0, end - 50), end), 'the 50 records just newer than the oldest page');
  });

  test('the action filter keeps to its prefix, and pages within it', async () => {
    await page.goto(`${base}/audit`);
    await page.getByLabel('Action starts with').fill('user.');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Filter' }).click()]);
    assert.equal(new URL(page.url()).search, '?action=user.');
    const actions = await page.locator('tbody tr th[scope=row]').allTextContents();
    assert.equal(actions.length, 50);
    assert.ok(actions.every((a) => a.startsWith('user.')), actions.join());
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Older' }).click()]);
    assert.match(new URL(page.url()).search, /^\?action=user\.&before=\d+$/);
    // 1 + MORE user.add records and the disable, 50 of them on the first page.
    assert.equal(await page.locator('tbody tr').count(), 1 + MORE + 1 - 50);
    await page.goto(`${base}/audit?action=nothing.`);
    assert.match(await page.locator('main').innerText(), /No audit record whose action starts with “nothing\.” here/);
    assert.equal((await ctx.request.get(`${base}/audit?before=soon`)).status(), 400);
  });

  test('verify chain shows the verification result', async () => {
    await page.goto(`${base}/audit?action=user.`);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Verify chain' }).click()]);
    assert.equal(new URL(page.url()).search, '?action=user.&verify=1');
    const { records } = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: '' });
    const result = await page.locator('section.verify .notice').innerText();
    assert.match(result, new RegExp(`^OK: ${records.length} records checked\\.`));
    await page.goto(`${base}/audit?verify=1`);
    await screenshot(page, 'console-audit', join(t.dir, 'shots'));
  });

  test('on a phone each record reads as a card', async () => {
    const phone = await newContext(browser, { width: 390, height: 844 });
    await phone.addCookies((await ctx.cookies()).filter((c) => c.name === '__Host-wicket-session'));
    const p = await phone.newPage();
    await p.goto(`${base}/audit?action=login.`);
    assert.match(await p.locator('tbody tr').first().innerText(), /^\d+\s+.* UTC .*\s+user:ada\s+login\.ok\s+ada\s/);
    assert.equal(await p.evaluate(`getComputedStyle(document.querySelector('tbody tr')).display`), 'block');
    assert.equal(await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await screenshot(p, 'console-audit-phone', join(t.dir, 'shots'));
    await phone.close();
  });
});
