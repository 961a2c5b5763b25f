// The console's policy page in a real browser (Debian's chromium through playwright-core)
// against a real controller: the applied version and history, an edit tested and its blast
// radius shown (someone loses a resource), Apply only after a passing check and only once
// confirmed, the applied version and the audit record afterwards; a broken text shows its
// error with the line, and a failing text cannot be applied even by a hand-made request.
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

const policy = (bobGetsDb: boolean, extraTest = '') => `# Who reaches what
gateways: [dc1]
groups:
  engineering: [alice, bob]
resources:
  wiki: { address: 10.20.0.10, ports: [tcp/443], gateway: dc1 }
  db:   { address: 10.20.1.5,  ports: [tcp/5432], gateway: dc1 }
grants:
  - name: eng-wiki
    to: [group:engineering]
    resources: [wiki]
${bobGetsDb ? `  - name: bob-db
    to: [bob]
    resources: [db]
` : ''}tests:
  - user: alice
    allow: [wiki:tcp/443]
    deny: [db:tcp/5432]
${extraTest}`;

const V1 = policy(true);
/** bob loses the database. */
const V2 = policy(false);
/** Valid, but its own test fails: it expects bob to keep the database it takes from him. */
const FAILING = policy(false, '  - user: bob\n    allow: [db:tcp/5432]\n');
/** A YAML syntax error on line 10 (an unclosed flow sequence). */
const BROKEN = V2.replace('to: [group:engineering]', 'to: [group:engineering');

describe('console policy page (real chromium)', { timeout: 180_000 }, () => {
  let t: TestController;
  let browser: Browser;
  let base: string;
  let secret: string;
  let ctx: BrowserContext;
  let page: Page;
  const shots = () => join(t.dir, 'shots');

  const check = async (text: string) => {
    await page.getByLabel('Policy (YAML)').fill(text);
    await Promise.all([page.waitForURL(`${base}/policy/check`), page.getByRole('button', { name: 'Test and show changes' }).click()]);
  };
  const appliedVersion = async () => Number((await call(t.admin.admin, 'ShowPolicy', { version: 0 })).version);

  before(async () => {
    t = await startTestController({ modules: serviceModules(), start: { console: { listen: '127.0.0.1:0' } } });
    base = `https://127.0.0.1:${t.controller.consolePort}`;
    secret = await addUser(t, ADA.user, ADA.password, { admin: true });
    await addUser(t, 'alice', 'pw-alice quartz tram', { groups: ['engineering'] });
    await addUser(t, 'bob', 'pw-bob quartz tram', { groups: ['engineering'] });
    const v1 = await call(t.admin.admin, 'ApplyPolicy', { yaml: V1 });
    assert.equal(Number(v1.version), 1, JSON.stringify(v1.check));
    ({ browser, ctx, page } = await signedInPage(t, base, ADA.user, ADA.password, secret));
  });

  after(async () => {
    await ctx?.close();
    await browser?.close();
    await t?.stop();
  });

  test('shows the applied version, its text in the editor, and the history with links to older versions', async () => {
    await page.goto(`${base}/policy`);
    assert.equal(await page.locator('h1').textContent(), 'Policy');
    assert.match(await page.locator('#applied-version').textContent() ?? '', /Version 1, applied by .+ at \d{4}-/);
    assert.equal(await page.getByLabel('Policy (YAML)').inputValue(), V1, 'the editor holds the applied text exactly');
    assert.equal(await page.getByRole('button', { name: 'Apply' }).count(), 0, 'no Apply before a check');
    assert.equal(await page.getByRole('link', { name: 'View version 1' }).count(), 1);
    await screenshot(page, 'console-policy', shots());
  });

  test('a broken text shows its error with the line, the text is kept, and nothing can be applied', async () => {
    await page.goto(`${base}/policy`);
    await check(BROKEN);
    const errors = await page.locator('.check-errors').textContent() ?? '';
    assert.match(errors, /line 11, column \d+/, errors);
    assert.match(errors, /YAML/);
    assert.match(await page.locator('#check-verdict').textContent() ?? '', /Not valid/);
    assert.equal(await page.getByLabel('Policy (YAML)').inputValue(), BROKEN);
    assert.equal(await page.getByRole('button', { name: 'Apply' }).count(), 0);
  });

  test('a failing embedded test is shown with its reason, and Apply is not offered', async () => {
    await page.goto(`${base}/policy`);
    await check(FAILING);
    const failed = page.locator('tr.test-fail');
    assert.equal(await failed.count(), 1);
    assert.match(await failed.textContent() ?? '', /bob.*failed/s);
    assert.equal(await page.locator('tr.test-pass').count(), 2, "alice's two expectations pass");
    assert.equal(await page.getByRole('button', { name: 'Apply' }).count(), 0);
  });

  test('a hand-made apply of a text whose tests fail is refused by the Admin service and changes nothing', async () => {
    const token = await page.locator('form.sign-out input[name=_csrf]').getAttribute('value');
    const res = await ctx.request.post(`${base}/policy/apply`, { form: { _csrf: token!, yaml: FAILING }, maxRedirects: 0 });
    assert.equal(res.status(), 400);
    assert.match(await res.text(), /Not applied/);
    const noToken = await ctx.request.post(`${base}/policy/apply`, { form: { yaml: V2 }, maxRedirects: 0 });
    assert.equal(noToken.status(), 403, 'no CSRF token, no apply');
    assert.equal(await appliedVersion(), 1);
  });

  test('an edit is tested and its blast radius shown; Apply asks first, then applies the tested text and is audited', async () => {
    await page.goto(`${base}/policy`);
    await check(V2);
    assert.match(await page.locator('#check-verdict').textContent() ?? '', /every test passed/);
    assert.equal(await page.getByLabel('Policy (YAML)').inputValue(), V2, 'the edited text stays in the editor');
    const diff = page.locator('table.diff');
    const bob = diff.locator('tr', { has: page.locator('th', { hasText: 'bob' }) });
    // Losses read as losses in text, not only in colour.
    assert.match(await bob.locator('td').nth(1).textContent() ?? '', /loses\s*db:tcp\/5432/);
    assert.match(await bob.locator('td').nth(0).textContent() ?? '', /nothing/);
    assert.equal(await diff.locator('tbody tr').count(), 1, 'only bob is affected');
    assert.match(await page.locator('#diff-h + p').textContent() ?? '', /applied version 1: 1 user affected, \+0 gained, −1 lost/);
    await screenshot(page, 'console-policy-diff', shots());
    const phone = await newContext(browser, { width: 390, height: 844 });
    await phone.addCookies(await ctx.cookies());
    const phonePage = await phone.newPage();
    await phonePage.goto(`${base}/policy`);
    await phonePage.getByLabel('Policy (YAML)').fill(V2);
    await Promise.all([phonePage.waitForURL(`${base}/policy/check`), phonePage.getByRole('button', { name: 'Test and show changes' }).click()]);
    assert.equal(await phonePage.evaluate('document.documentElement.scrollWidth'), 390, 'the page does not scroll sideways on a phone (wide tables scroll in their frame)');
    await screenshot(phonePage, 'console-policy-diff-phone', shots());
    await phone.close();

    // Edits after the test do not change what Apply applies: it carries the tested text.
    await page.getByLabel('Policy (YAML)').fill(V1 + '# not tested\n');
    // Declining the confirmation applies nothing.
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Apply' }).click();
    assert.equal(new URL(page.url()).pathname, '/policy/check');
    assert.equal(await appliedVersion(), 1);

    let question = '';
    page.once('dialog', (d) => { question = d.message(); void d.accept(); });
    await Promise.all([page.waitForURL(`${base}/policy`), page.getByRole('button', { name: 'Apply' }).click()]);
    assert.match(question, /Apply this policy\? 1 user\(s\) gain or lose access compared with version 1/);
    assert.match(await page.locator('.notice.ok').textContent() ?? '', /Policy version 2 applied: 1 user\(s\) gained or lost access/);
    assert.match(await page.locator('#applied-version').textContent() ?? '', /Version 2, applied by .*ada/);
    const shown = await call(t.admin.admin, 'ShowPolicy', { version: 0 });
    assert.equal(Number(shown.version), 2);
    assert.equal(shown.yaml, V2, 'exactly the tested text, with its own line ends');
    const audit = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: 'policy.apply' });
    const rec = audit.records.find((r) => r.target === 'v2');
    assert.ok(rec, 'policy.apply v2 audited');
    assert.match(rec.actor, /ada/);
    assert.match(rec.detailsJson, /"base_version":1/);
  });

  test('an older version can be viewed from the history, and the editor starts from it', async () => {
    await page.goto(`${base}/policy`);
    await Promise.all([page.waitForURL(`${base}/policy?version=1`), page.getByRole('link', { name: 'View version 1' }).click()]);
    assert.match(await page.locator('#viewed-h').textContent() ?? '', /Version 1/);
    assert.equal(await page.locator('#viewed-h ~ pre').textContent(), V1);
    assert.equal(await page.getByLabel('Policy (YAML)').inputValue(), V1);
    assert.match(await page.locator('#applied-version').textContent() ?? '', /Version 2/);
    const bad = await ctx.request.get(`${base}/policy?version=zero`);
    assert.equal(bad.status(), 400);
    const missing = await ctx.request.get(`${base}/policy?version=99`);
    assert.equal(missing.status(), 404);
    assert.match(await missing.text(), /no policy version 99/);
  });
});
