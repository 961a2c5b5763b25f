// The console's Sessions page and the Overview charts in a real browser (Debian's chromium
// through playwright-core) against a real controller with a gateway that acknowledges when
// the test says so: the live list with filters and pages, a revoke with a reason and a
// confirmation, the session's page showing the gateway's acknowledgement arrive over
// server-sent events without a reload, the revoke audited as the admin, refusals shown, and
// the overview's live count, denied-attempts chart and revocation latency histogram.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { serviceModules } from '../../controller/app/modules.js';
import { addUser, codeAt, enrollGateway, FakeGateway, LAPTOP_POSTURE, login, startTestController, type TestController } from '../integration/harness.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';
import { newContext, screenshot } from '../support/browser.js';
import { signedInPage } from './console-pages.js';

const ADA = { user: 'ada', password: 'pw-ada quartz tram' };
const POLICY = policyYaml({ gateways: ['dc1'], groups: { eng: ['alice', 'bob'] }, resources: { wiki: WIKI }, grants: [grantTo('eng', 'wiki')] });

describe('console sessions page and overview charts (real chromium)', { timeout: 180_000 }, () => {
  let t: TestController;
  let gw: FakeGateway;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let base: string;
  const sessionOf: Record<string, string> = {};
  const clients: ReturnType<typeof apiClients>[] = [];
  const shots = () => join(t.dir, 'shots');

  /** Signs `user` in on a device and opens a session through dc1; returns its id. */
  async function connect(user: string): Promise<string> {
    const secret = await addUser(t, user, `pw-${user} quartz tram`);
    const l = await login(t, { username: user, password: `pw-${user} quartz tram`, totpCode: await codeAt(t, secret) });
    const c = apiClients(t.api, l.creds);
    clients.push(c);
    const r = await call(c.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 0 });
    return r.session!.id;
  }

  before(async () => {
    t = await startTestController({ modules: serviceModules(), start: { console: { listen: '127.0.0.1:0' } } });
    base = `https://127.0.0.1:${t.controller.consolePort}`;
    const adaSecret = await addUser(t, ADA.user, ADA.password, { admin: true });
    gw = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    gw.connect();
    await gw.next((m) => !!m.snapshot);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    sessionOf.alice = await connect('alice');
    sessionOf.bob = await connect('bob');
    // Four denied attempts of bob's ten minutes ago, for the overview's chart.
    const now = t.now();
    await t.controller.ctx.store.transaction((tx) => tx.telemetry.ingest('dc1', {
      seq: 1, collectedAtMs: now, peers: [], counters: [], httpRequests: [], droppedRecords: 0, flows: [],
      denied: [{ sessionId: sessionOf.bob, source: '100.64.0.3', destination: '10.20.0.99', protocol: 'tcp', port: 22, count: 4, firstSeenMs: now - 600_000, lastSeenMs: now - 590_000 }],
    }, now));
    ({ browser, ctx, page } = await signedInPage(t, base, ADA.user, ADA.password, adaSecret));
    assert.equal(new URL(page.url()).pathname, '/');
  });

  after(async () => {
    await browser?.close();
    for (const c of clients) c.close();
    gw?.close();
    await t?.stop();
  });

  const rows = () => page.locator('#sessions tbody tr');

  test('the list shows each live session with its gateways\' acks; filters are links; a bad filter is refused', async () => {
    await page.goto(`${base}/sessions`);
    assert.equal(await rows().count(), 2);
    assert.equal(await page.locator('#sessions-total').textContent(), '2 live sessions');
    const alice = rows().filter({ hasText: 'alice' });
    assert.match((await alice.textContent())!, /dc1: acknowledged/);
    assert.equal(await alice.getByRole('button', { name: 'Revoke' }).count(), 1);
    await screenshot(page, 'console-sessions', shots());
    const phone = await newContext(browser, { width: 390, height: 844 });
    await phone.addCookies(await ctx.cookies());
    const small = await phone.newPage();
    await small.goto(`${base}/sessions`);
    await screenshot(small, 'console-sessions-phone', shots());
    await phone.close();

    await page.getByLabel('User').fill('alice');
    await Promise.all([page.waitForURL(/\/sessions\?user=alice/), page.getByRole('button', { name: 'Filter' }).click()]);
    assert.equal(await rows().count(), 1);
    assert.equal(await page.locator('#sessions-total').textContent(), '1 live session');
    await page.goto(`${base}/sessions?gateway=dc9`);
    assert.equal(await rows().count(), 0);
    const bad = await ctx.request.get(`${base}/sessions?page=0`);
    assert.equal(bad.status(), 400);
  });

  test('revoking from the list asks first, then the session page shows the gateway\'s ack arrive without a reload; audited as the admin', async () => {
    gw.ack = false;
    const from = gw.received.length;
    await page.goto(`${base}/sessions?user=alice`);
    await page.getByLabel('Reason').fill('laptop reported stolen');
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await Promise.all([page.waitForURL(`${base}/sessions/${sessionOf.alice}`), page.getByRole('button', { name: 'Revoke' }).click()]);
    assert.match(asked, /^Revoke the session of alice/);
    assert.match((await page.locator('.notice.ok').textContent())!, /Session revoked/);
    const cell = page.locator('#acks tr[data-gateway="dc1"] [data-field="ack"]');
    assert.equal(await cell.textContent(), 'pending');
    assert.match((await page.locator('#session-state').textContent())!, /^revoked \(revoked by admin:ada: laptop reported stolen\)/);
    await page.evaluate('window.stillThisPage = true');

    const removal = await gw.next((m) => m.delta?.removes.includes(sessionOf.alice!) === true, from);
    // The page is open on the stream before the gateway acknowledges.
    // (Locators wait without evaluating script text, which the console's CSP forbids.)
    await page.locator('#ack-status', { hasText: /^Waiting for 1 gateway to acknowledge/ }).waitFor();
    gw.acknowledge(Number(removal.delta!.version));
    gw.ack = true;
    await cell.locator('.ack', { hasText: /^acknowledged / }).waitFor();
    assert.equal(await page.evaluate('window.stillThisPage === true && performance.getEntriesByType("navigation").length === 1'), true, 'no reload');
    assert.equal(await page.locator('#ack-status').textContent(), 'Every gateway has acknowledged.');
    assert.equal(await page.locator('#acks tr[data-gateway="dc1"] .ack.acked').count(), 1);
    await screenshot(page, 'console-session-acked', shots());

    const audit = await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: 'session.revoke' });
    const rec = audit.records.find((r) => r.target === sessionOf.alice);
    assert.ok(rec, 'session.revoke recorded');
    assert.equal(rec.actor, 'admin:ada');
    assert.match(rec.detailsJson, /laptop reported stolen/);
  });

  test('the event stream carries the page\'s security headers and ends once every gateway has acked', async () => {
    const res = await ctx.request.get(`${base}/sessions/${sessionOf.alice}/events`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type']!, /^text\/event-stream/);
    assert.match(res.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    const body = await res.text();
    assert.match(body, /^event: acks\ndata: \{"state":"revoked","acks":\[\{"gateway":"dc1","version":\d+,"acked":true,/);
    assert.match(body, /event: end\n/);
    const unknown = await ctx.request.get(`${base}/sessions/${'f'.repeat(32)}/events`);
    assert.match(await unknown.text(), /event: failed\ndata: \{"message":"no session f+"\}/);
  });

  test('a refused revoke shows the Admin API\'s reason; a revoke without a reason or token is refused', async () => {
    const token = await page.locator('form.sign-out input[name=_csrf]').getAttribute('value');
    const again = await ctx.request.post(`${base}/sessions/${sessionOf.alice}/revoke`, { form: { _csrf: token!, reason: 'again' }, maxRedirects: 0 });
    assert.equal(again.status(), 409, await again.text());
    assert.match(await again.text(), /class="notice error"[^>]*>[^<]*has already ended/);
    const noReason = await ctx.request.post(`${base}/sessions/${sessionOf.bob}/revoke`, { form: { _csrf: token!, reason: '' }, maxRedirects: 0 });
    assert.equal(noReason.status(), 400);
    const noToken = await ctx.request.post(`${base}/sessions/${sessionOf.bob}/revoke`, { form: { reason: 'x' }, maxRedirects: 0 });
    assert.equal(noToken.status(), 403);
    const live = await call(t.admin.admin, 'ListSessions', { all: false, user: 'bob' });
    assert.equal(live.sessions.length, 1, 'bob\'s session is untouched');
  });

  test('the overview shows the live count, denied attempts over the last hour and revocation latency, each with its figures', async () => {
    await page.goto(`${base}/`);
    assert.equal(await page.locator('#live-sessions').textContent(), '1');
    assert.equal(await page.locator('#denied-total').textContent(), '4');
    assert.equal(await page.locator('#denied-chart canvas').count(), 1);
    assert.equal(await page.locator('#latency-chart canvas').count(), 1);
    assert.ok(Number(await page.locator('#revocations-total').textContent()) >= 1, 'alice\'s revocation counted');
    assert.equal(await page.locator('#latency-table tbody tr').count(), 12);
    assert.equal(await page.locator('.notice').count(), 0, 'the revoke\'s notice was shown once only');
    await page.locator('#denied-h ~ details summary').focus();
    await page.keyboard.press('Enter');
    assert.ok(await page.locator('#denied-table').isVisible(), 'the figures open with the keyboard');
    assert.deepEqual(await page.locator('#denied-table tbody td.num').allTextContents().then((v) => v.filter((n) => n !== '0')), ['4']);
    await page.keyboard.press('Enter');
    await screenshot(page, 'console-overview-charts', shots());
  });
});
