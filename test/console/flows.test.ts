// The console's flows page in a real browser (Debian's chromium through playwright-core)
// against a real controller whose flow records and denied attempts came in through a
// gateway's Report stream: the chart over time drawn with the same counts in a table,
// filters by user, device and session as links, paging, bad filter values refused, and the
// requests through the gateway's HTTP proxy (a refused one marked with its reason).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiClients, type ClientCredentials } from '../../common/grpc.js';
import { serviceModules } from '../../controller/app/modules.js';
import type { TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';
import { addUser, enrollGateway, startTestController, type TestController } from '../integration/harness.js';
import { newContext, screenshot } from '../support/browser.js';
import { signedInPage } from './console-pages.js';

const ADA = { user: 'ada', password: 'pw-ada quartz tram' };
const LAPTOP = 'a'.repeat(32);
const PHONE = 'b'.repeat(32);
const ALICE_SESSION = 'alice-laptop-1';
const BOB_SESSION = 'bob-phone-1';
const MINUTE = 60_000;
/** alice's flows: more than one page of the smallest size (25). */
const ALICE_FLOWS = 30;

/** Sends one batch on a gateway's Report stream and resolves once the controller acked (stored) it. */
function report(api: string, creds: ClientCredentials, batch: TelemetryBatch): Promise<void> {
  const clients = apiClients(api, creds);
  return new Promise<void>((resolve, reject) => {
    const stream = clients.gateway.Report();
    stream.on('data', (ack: { seq: number }) => {
      if (Number(ack.seq) === Number(batch.seq)) {
        resolve();
        stream.end();
      }
    });
    stream.on('error', reject);
    stream.write(batch);
  }).finally(() => clients.close());
}

describe('console flows page (real chromium)', { timeout: 180_000 }, () => {
  let t: TestController;
  let browser: Browser;
  let base: string;
  let gw: ClientCredentials;
  let ctx: BrowserContext;
  let page: Page;
  const shots = () => join(t.dir, 'shots');
  /** The text of one column of a table's body rows (browser code as text: this file is type-checked without the DOM library). */
  const columnOf = (table: string, col: number) => page.evaluate(`[...document.querySelectorAll('#${table} tbody tr')].map((r) => r.children[${col}].textContent.trim())`) as Promise<string[]>;

  before(async () => {
    t = await startTestController({ modules: serviceModules(), start: { console: { listen: '127.0.0.1:0' } } });
    base = `https://127.0.0.1:${t.controller.consolePort}`;
    const secret = await addUser(t, ADA.user, ADA.password, { admin: true });
    await addUser(t, 'alice', 'pw-alice quartz tram');
    await addUser(t, 'bob', 'pw-bob quartz tram');
    gw = await enrollGateway(t, 'dc1');
    const now = t.now();
    // The sessions the gateway serves (the controller keeps only records of sessions a gateway serves).
    const { sessions } = t.controller.ctx.store;
    const session = async (id: string, user: string, deviceId: string, n: number) => {
      await sessions.insert({
        id, user, deviceId, certSerial: `c${n}`, overlayAddress: `100.64.0.${n}`, wgPublicKey: `key${n}`, posture: {} as never, mfa: true,
        createdAtMs: now - 50 * MINUTE, expiresAtMs: now + 3_600_000, entitlements: [], lastHeartbeatMs: now,
      });
      await sessions.addGateway(id, 'dc1', Buffer.alloc(1));
    };
    await session(ALICE_SESSION, 'alice', LAPTOP, 2);
    await session(BOB_SESSION, 'bob', PHONE, 3);
    const flow = (sessionId: string, source: string, endedAtMs: number) => ({
      sessionId, source, destination: '10.20.0.10', protocol: 'tcp', port: 443, startedAtMs: endedAtMs - 5000, endedAtMs, bytesOut: 1200, bytesIn: 5400,
    });
    // alice: one flow a minute over the last 30 minutes; bob: two in the last 5 minutes (between alice's) and 3 denied attempts at ssh.
    await report(t.api, gw, {
      seq: 1, collectedAtMs: now, peers: [], counters: [], droppedRecords: 0,
      flows: [
        ...Array.from({ length: ALICE_FLOWS }, (_, i) => flow(ALICE_SESSION, '100.64.0.2', now - (i + 1) * MINUTE)),
        flow(BOB_SESSION, '100.64.0.3', now - 4.5 * MINUTE), flow(BOB_SESSION, '100.64.0.3', now - 2.5 * MINUTE),
      ],
      denied: [{ sessionId: BOB_SESSION, source: '100.64.0.3', destination: '10.20.0.99', protocol: 'tcp', port: 22, count: 3, firstSeenMs: now - 3 * MINUTE, lastSeenMs: now - 3 * MINUTE }],
    });
    ({ browser, ctx, page } = await signedInPage(t, base, ADA.user, ADA.password, secret));
  });

  after(async () => {
    await ctx?.close();
    await browser?.close();
    await t?.stop();
  });

  test('the last hour: a chart of flows and denied attempts drawn, with the same counts in a table', async () => {
    await page.goto(`${base}/flows`);
    assert.equal(await page.locator('h1').textContent(), 'Flows and denied attempts');
    await page.locator('#flows-chart canvas').first().waitFor();
    assert.equal(await page.locator('#flows-total').textContent(), String(ALICE_FLOWS + 2));
    assert.equal(await page.locator('#denied-total').textContent(), '3');
    const flows = (await columnOf('flows-buckets', 1)).map(Number);
    const denied = (await columnOf('flows-buckets', 2)).map(Number);
    assert.ok(flows.length >= 60, 'one-minute buckets over the hour');
    assert.equal(flows.reduce((a, b) => a + b, 0), ALICE_FLOWS + 2);
    assert.equal(denied.reduce((a, b) => a + b, 0), 3);
    assert.equal(flows.slice(0, 25).reduce((a, b) => a + b, 0), 0, 'nothing reported before 30 minutes ago');
    // Newest first, one page of 50 holds all of them.
    assert.deepEqual(await columnOf('flows', 1), [...Array(ALICE_FLOWS + 2)].map((_, i) => (i === 2 || i === 5 ? 'bob' : 'alice')));
    assert.deepEqual(await columnOf('denied', 1), ['bob']);
    assert.match(await page.locator('#denied tbody tr').textContent() ?? '', /10\.20\.0\.99 tcp\/22/);
    assert.equal(await page.locator('.pager').count(), 0);
    await screenshot(page, 'console-flows', shots());

    const phone = await newContext(browser, { width: 390, height: 844 });
    await phone.addCookies(await ctx.cookies());
    const phonePage = await phone.newPage();
    await phonePage.goto(`${base}/flows?limit=25`);
    await phonePage.locator('#flows-chart canvas').first().waitFor();
    assert.equal(await phonePage.evaluate('document.documentElement.scrollWidth'), 390, 'the page does not scroll sideways on a phone');
    await screenshot(phonePage, 'console-flows-phone', shots());
    await phone.close();
  });

  test('filtering by user with the form shows only theirs, and the view is a link', async () => {
    await page.goto(`${base}/flows`);
    await page.getByLabel('User').fill('bob');
    await Promise.all([page.waitForURL(/\/flows\?user=bob/), page.getByRole('button', { name: 'Filter' }).click()]);
    assert.deepEqual(await columnOf('flows', 1), ['bob', 'bob']);
    assert.deepEqual(await columnOf('denied', 1), ['bob']);
    assert.equal(await page.locator('#flows-total').textContent(), '2');
    const bucketFlows = (await columnOf('flows-buckets', 1)).map(Number);
    assert.equal(bucketFlows.reduce((a, b) => a + b, 0), 2, 'the chart is filtered too');
    assert.equal(await page.getByLabel('User').inputValue(), 'bob', 'the form shows the filter in force');

    await page.goto(`${base}/flows?user=alice&limit=25`);
    assert.equal(new Set(await columnOf('flows', 1)).size, 1);
    assert.match(await page.locator('main').textContent() ?? '', /No denied attempts match/);
  });

  test("a device or session in the table links to the view filtered by it", async () => {
    await page.goto(`${base}/flows`);
    await Promise.all([page.waitForURL(new RegExp(`device=${PHONE}`)), page.locator('#flows tbody tr').nth(2).locator('td').nth(2).getByRole('link').click()]);
    assert.deepEqual(await columnOf('flows', 1), ['bob', 'bob']);
    await Promise.all([page.waitForURL(new RegExp(`session=${BOB_SESSION}`)), page.locator('#flows tbody tr').first().locator('td').nth(3).getByRole('link').click()]);
    assert.deepEqual(await columnOf('flows', 1), ['bob', 'bob']);
  });

  test('pages: newest first, older pages by link, no record twice', async () => {
    await page.goto(`${base}/flows?user=alice&limit=25`);
    const first = await columnOf('flows', 0);
    assert.equal(first.length, 25);
    await Promise.all([page.waitForURL(/page=2/), page.getByRole('link', { name: 'Older' }).click()]);
    const second = await columnOf('flows', 0);
    assert.equal(second.length, ALICE_FLOWS - 25);
    assert.equal(await page.getByRole('link', { name: 'Older' }).count(), 0, 'the last page');
    assert.equal(new Set([...first, ...second]).size, ALICE_FLOWS, 'every flow once');
    await Promise.all([page.waitForURL((u) => !u.search.includes('page=')), page.getByRole('link', { name: 'Newer' }).click()]);
    assert.deepEqual(await columnOf('flows', 0), first);
  });

  test('a bad filter value is refused with a clear 400', async () => {
    for (const [query, reason] of [['since=2y', /since/], ['limit=7', /limit/], ['page=0', /page/], ['device=laptop', /device_id: must be 32 lower-case hex/]] as const) {
      const res = await ctx.request.get(`${base}/flows?${query}`);
      assert.equal(res.status(), 400, query);
      assert.match(await res.text(), reason, query);
    }
  });

  // Last: its report adds denied attempts the tests above do not count.
  test('HTTP requests: listed with the filters and pages, a refused one marked with the reason, shown as text', async () => {
    const now = t.now();
    const request = (startedAtMs: number, over: Partial<HttpRequestRecord> = {}): HttpRequestRecord => ({
      sessionId: ALICE_SESSION, resource: 'wiki', method: 'GET', hostname: 'wiki.corp.example', path: '/docs/a', status: 200, bytesIn: 0, bytesOut: 4096,
      startedAtMs, durationUs: 2500, username: 'alice', deviceId: LAPTOP, deniedReason: '', tunnel: true, ...over,
    });
    await report(t.api, gw, {
      seq: 2, collectedAtMs: now, peers: [], counters: [], flows: [], droppedRecords: 0,
      httpRequests: [
        // alice: 27 allowed requests (more than a page of 25), one refused, one from her browser without the tunnel; bob: one refused.
        ...Array.from({ length: 27 }, (_, i) => request(now - (i + 10) * MINUTE, { path: `/docs/${i}` })),
        request(now - 3 * MINUTE, { method: 'POST', status: 403, bytesOut: 800, deniedReason: 'no rule allows method POST on <b>wiki</b>' }),
        request(now - 2 * MINUTE, { sessionId: '', deviceId: '', tunnel: false, path: '/docs/browser' }),
        request(now - MINUTE, { sessionId: BOB_SESSION, username: 'bob', deviceId: PHONE, path: '/admin', status: 403, deniedReason: 'no rule allows path /admin on wiki' }),
      ],
      // The refusals as denied attempts: destination the hostname, protocol http, port 80.
      denied: [
        { sessionId: ALICE_SESSION, source: '100.64.0.2', destination: 'wiki.corp.example', protocol: 'http', port: 80, count: 1, firstSeenMs: now - 3 * MINUTE, lastSeenMs: now - 3 * MINUTE },
        { sessionId: BOB_SESSION, source: '100.64.0.3', destination: 'wiki.corp.example', protocol: 'http', port: 80, count: 1, firstSeenMs: now - MINUTE, lastSeenMs: now - MINUTE },
      ],
    });

    await page.goto(`${base}/flows?limit=25`);
    assert.equal(await page.locator('#http-h').textContent(), 'HTTP requests');
    assert.deepEqual((await columnOf('http-requests', 5)).slice(0, 4), ['GET wiki.corp.example/admin', 'GET wiki.corp.example/docs/browser',
      'POST wiki.corp.example/docs/a', 'GET wiki.corp.example/docs/0']);
    assert.deepEqual((await columnOf('http-requests', 1)).slice(0, 3), ['bob', 'alice', 'alice']);
    assert.deepEqual((await columnOf('http-requests', 6)).slice(0, 3), ['tunnel', 'browser', 'tunnel']);
    assert.deepEqual((await columnOf('http-requests', 8)).slice(0, 4), ['refused no rule allows path /admin on wiki', 'allowed',
      'refused no rule allows method POST on <b>wiki</b>', 'allowed']);
    // Marked: the row and a "refused" badge; the gateway's text stays text.
    const refused = page.locator('#http-requests tbody tr.refused');
    assert.equal(await refused.count(), 2);
    assert.equal(await refused.locator('.state.denied').count(), 2);
    assert.equal(await page.locator('#http-requests b').count(), 0);
    const background = (row: string) => page.evaluate(`getComputedStyle(document.querySelector('#http-requests tbody ${row} td')).backgroundColor`);
    assert.notEqual(await background('tr.refused'), await background('tr:not(.refused)'), 'a refused row stands out');
    // The refusals are denied attempts too, at the hostname.
    assert.match(await page.locator('#denied').textContent() ?? '', /100\.64\.0\.3 → wiki\.corp\.example http\/80/);
    await screenshot(page, 'console-flows-http', shots());

    // Pages: 30 requests, 25 on the first page, the other 5 on the second, none twice.
    const first = await columnOf('http-requests', 5);
    assert.equal(first.length, 25);
    await Promise.all([page.waitForURL(/page=2/), page.getByRole('link', { name: 'Older' }).click()]);
    const second = await columnOf('http-requests', 5);
    assert.equal(second.length, 5);
    assert.equal(new Set([...first, ...second]).size, 30);

    // Filters: bob's only; alice's device (her browser without the tunnel has no device).
    await page.goto(`${base}/flows?user=bob`);
    assert.deepEqual(await columnOf('http-requests', 5), ['GET wiki.corp.example/admin']);
    await page.goto(`${base}/flows?device=${LAPTOP}&session=${ALICE_SESSION}`);
    assert.equal((await columnOf('http-requests', 5)).length, 28);
    await page.goto(`${base}/flows?user=nobody`);
    assert.match(await page.locator('main').textContent() ?? '', /No HTTP requests match/);
  });
});
