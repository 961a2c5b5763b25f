// The console's access requests page in a real browser against a real controller: a user's
// pending request (made through the Client API) is approved on the page by an approver and
// audited as them; the Admin API's own rule that approvers never approve their own request
// shows as an error notice; an approved request is revoked and a pending one denied.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiClients, call } from '../../common/grpc.js';
import { serviceModules } from '../../controller/app/modules.js';
import { addUser, codeAt, login, startTestController, type TestController } from '../integration/harness.js';
import { DB, grantTo, policyYaml, WIKI } from '../support/policies.js';
import { newContext, screenshot } from '../support/browser.js';
import { signedInPage } from './console-pages.js';

const POLICY = policyYaml({
  gateways: ['dc1'],
  groups: { staff: ['carol', 'ada', 'erin'], leads: ['ada'] },
  resources: { wiki: WIKI, db: DB },
  grants: [
    grantTo('staff', 'wiki'),
    { name: 'db-jit', to: ['group:staff'], resources: ['db'], requestable: '{ approvers: [group:leads], max_duration: 1h, reason_required: true }' },
  ],
});
const password = (name: string) => `pw-${name} quartz tram`;

describe('console access requests (real chromium)', { timeout: 180_000 }, () => {
  let t: TestController;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let base: string;
  const users: Record<string, ReturnType<typeof apiClients>> = {};
  const secrets: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const requestOf = async (id: string) => (await call(t.admin.admin, 'ListAccessRequests', { pending: false, user: '' })).requests.find((r) => r.id === id)!;
  const row = (id: string) => page.locator(`tr#request-${id}`);

  before(async () => {
    t = await startTestController({ modules: serviceModules(), start: { console: { listen: '127.0.0.1:0' } } });
    base = `https://127.0.0.1:${t.controller.consolePort}`;
    for (const [name, admin] of [['ada', true], ['carol', false], ['erin', false]] as const) {
      secrets[name] = await addUser(t, name, password(name), { admin });
      users[name] = apiClients(t.api, (await login(t, { username: name, password: password(name), totpCode: await codeAt(t, secrets[name]!) })).creds);
    }
    const applied = await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    assert.ok(applied.version > 0, JSON.stringify(applied.check));
    // Requests made the way `wicket request` makes them: the Client API with the user's certificate.
    const ask = async (who: string, reason: string) =>
      (await call(users[who]!.client, 'RequestAccess', { resource: 'db', grant: '', durationMs: 20 * 60_000, reason })).id;
    ids.carol = await ask('carol', 'replication is broken');
    ids.ada = await ask('ada', 'schema migration');
    ids.erin = await ask('erin', 'curious');
    ({ browser, ctx, page } = await signedInPage(t, base, 'ada', password('ada'), secrets.ada!));
    page.on('dialog', (d) => void d.accept());
    assert.equal(new URL(page.url()).pathname, '/');
  });

  after(async () => {
    for (const c of Object.values(users)) c.close();
    await browser?.close();
    await t?.stop();
  });

  test('pending requests are listed with who, what, for how long, why and who may approve', async () => {
    await page.goto(`${base}/access`);
    assert.equal(await page.locator('h1').textContent(), 'Access requests');
    assert.match(await row(ids.carol!).innerText(), /carol\s+db\s+db-jit\s+20 min\s+replication is broken\s+pending\s+may be approved by group:leads/);
    assert.equal(await page.locator('tbody tr').count(), 3);
    await screenshot(page, 'console-access', join(t.dir, 'shots'));
  });

  test('on a phone the list stays usable', async () => {
    const phone = await newContext(browser, { width: 390, height: 844 });
    await phone.addCookies((await ctx.cookies()).filter((c) => c.name === '__Host-wicket-session'));
    const p = await phone.newPage();
    await p.goto(`${base}/access`);
    assert.equal(await p.locator('tbody tr').count(), 3);
    // Only the table (in its own scrolling box) may be wider than the screen.
    assert.equal(await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await screenshot(p, 'console-access-phone', join(t.dir, 'shots'));
    await phone.close();
  });

  test('an approver approves a pending request for a shorter time, audited as them', async () => {
    await page.goto(`${base}/access`);
    await page.locator(`#for-${ids.carol}`).fill('10');
    await page.locator(`#note-${ids.carol}`).fill('go ahead');
    await Promise.all([page.waitForURL(`${base}/access`), page.getByRole('button', { name: "Approve carol's request for db" }).click()]);
    await page.waitForLoadState('load');
    assert.match(await page.locator('.notice.ok').textContent() ?? '', /carol's request for db is approved/);
    assert.match(await row(ids.carol!).innerText(), /approved\s+by admin:ada \(“go ahead”\), until/);
    const r = await requestOf(ids.carol!);
    assert.equal(r.state, 'approved');
    assert.equal(r.decidedBy, 'admin:ada');
    assert.equal(r.expiresAtMs - r.decidedAtMs, 10 * 60_000);
    const audit = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 100, actionPrefix: 'access.approve' });
    assert.deepEqual(audit.records.map((a) => [a.actor, a.target]), [['admin:ada', ids.carol]]);
  });

  test("the Admin API's rule holds on the page: an approver cannot approve their own request", async () => {
    await page.goto(`${base}/access`);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/access/${ids.ada}/approve`)),
      page.getByRole('button', { name: "Approve ada's request for db" }).click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(res.status(), 403);
    assert.match(await page.locator('.notice.error').textContent() ?? '', /ada cannot approve their own request/);
    assert.equal((await requestOf(ids.ada!)).state, 'pending');
    // The refusal was about the request, not the admin: still signed in.
    await page.goto(`${base}/access`);
    assert.equal(new URL(page.url()).pathname, '/access');
  });

  test('an approval beyond the grant maximum is refused with the reason', async () => {
    await page.goto(`${base}/access`);
    await page.locator(`#for-${ids.erin}`).fill('120');
    await page.getByRole('button', { name: "Approve erin's request for db" }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('.notice.error').textContent() ?? '', /max_duration/);
    assert.equal((await requestOf(ids.erin!)).state, 'pending');
  });

  test('deny needs a reason; revoke ends an approved request', async () => {
    await page.goto(`${base}/access`);
    await page.locator(`#deny-${ids.erin}`).fill('use the read replica');
    await Promise.all([page.waitForURL(`${base}/access`), page.getByRole('button', { name: "Deny erin's request for db" }).click()]);
    await page.waitForLoadState('load');
    assert.equal((await requestOf(ids.erin!)).decisionReason, 'use the read replica');
    assert.equal(await row(ids.erin!).count(), 0, 'a denied request leaves the open list');

    await page.locator(`#revoke-${ids.carol}`).fill('incident closed');
    await Promise.all([page.waitForURL(`${base}/access`), page.getByRole('button', { name: "Revoke carol's request for db" }).click()]);
    await page.waitForLoadState('load');
    const r = await requestOf(ids.carol!);
    assert.deepEqual([r.state, r.endedBy, r.endReason], ['revoked', 'admin:ada', 'incident closed']);
    await page.goto(`${base}/access?show=all`);
    assert.match(await row(ids.carol!).innerText(), /revoked\s+by admin:ada: incident closed/);
    assert.match(await row(ids.erin!).innerText(), /denied\s+by admin:ada: use the read replica/);
    const bad = await ctx.request.get(`${base}/access?show=everything`);
    assert.equal(bad.status(), 400);
  });
});
