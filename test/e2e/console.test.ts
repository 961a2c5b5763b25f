// The admin console end to end, with real packets: the real controller (started with
// --console-listen), gateway agent, wireguard-go and nft in network namespaces, and Debian's
// chromium signing in as an admin with password and TOTP. Alice has an open TCP stream to a
// resource; the admin revokes her session on the Sessions page; the stream dies, and the
// session's page shows the gateway's acknowledgement arrive over server-sent events, without
// a reload, and the overview counts it. The gateway agent is paused across the revoke so that the page is seen pending
// first; the acknowledgement follows when the agent resumes and applies the removal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADDR, startStream } from '../../scripts/topology/index.js';
import { eventually, PORTS, WicketSystem, type UserCredentials } from '../../scripts/topology/system.js';
import { startSampleSystem } from '../support/topology.js';
import { CHROMIUM, launchBrowser, newContext, screenshot } from '../support/browser.js';
import { signIn } from '../console/console-pages.js';

/** The console's port in the controller's namespace (the browser runs there too). */

describe('admin console end to end (chromium, namespaces)', { timeout: 600_000 }, () => {
  let sys: WicketSystem;
  let ada: UserCredentials;
  let browser: Browser;
  let page: Page;
  const base = `https://127.0.0.1:${PORTS.console}`;
  const shots = () => join(sys.dir, 'shots');

  before(async () => {
    sys = await WicketSystem.create();
    await startSampleSystem(sys, ['--console-listen', `127.0.0.1:${PORTS.console}`]);
    ada = await sys.addUser('ada', [], { admin: true });
    // The console listens in the controller's namespace; chromium runs there through a wrapper.
    const wrapper = join(sys.dir, 'chromium-in-ctl');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${sys.topo.ns('ctl')} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await launchBrowser(wrapper);
    page = await (await newContext(browser)).newPage();
  });

  after(async () => {
    await browser?.close();
    sys?.cleanup();
  });

  test('an admin signs in with password and TOTP; the overview shows the gateway connected', async () => {
    await signIn(page, base, ada.name, ada.password, await sys.totp('ada'));
    assert.equal(new URL(page.url()).pathname, '/');
    const dc1 = page.locator('tr', { has: page.locator('th', { hasText: 'dc1' }) });
    assert.equal(await dc1.locator('.health').textContent(), 'healthy');
    assert.equal(await page.locator('#revocations-none').count(), 1);
  });

  test('the admin revokes alice\'s session on the page: her open stream dies and the page shows the gateway\'s ack without a reload', async () => {
    await sys.login('c1', 'alice');
    const up = await sys.up('c1', 'alice', 'a');
    const stream = await startStream(sys.topo, 'c1', ADDR.r1, PORTS.echo, 20);
    await stream.waitForEchoes(5, 10_000);

    await page.goto(`${base}/sessions`);
    const row = page.locator('#sessions tbody tr', { hasText: up.session.overlayAddress });
    assert.match((await row.textContent())!, /alice[\s\S]*dc1: acknowledged/);
    await screenshot(page, 'console-sessions-live', shots());

    // The agent pauses: the removal reaches it only when it resumes, so the page is seen pending first.
    const agent = sys.gateway!.child.pid!;
    process.kill(agent, 'SIGSTOP');
    try {
      await row.getByLabel('Reason').fill('laptop reported stolen');
      page.once('dialog', (d) => void d.accept());
      await Promise.all([page.waitForURL(`${base}/sessions/${up.session.id}`), row.getByRole('button', { name: 'Revoke' }).click()]);
      await page.locator('#ack-status', { hasText: /^Waiting for 1 gateway/ }).waitFor();
      assert.equal(await page.locator('#acks tr[data-gateway="dc1"] [data-field="ack"]').textContent(), 'pending');
      await page.evaluate('window.stillThisPage = true');
    } finally {
      process.kill(agent, 'SIGCONT');
    }

    await page.locator('#acks tr[data-gateway="dc1"] [data-field="ack"] .ack', { hasText: /^acknowledged / }).waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate('window.stillThisPage === true && performance.getEntriesByType("navigation").length === 1'), true, 'no reload');
    await eventually(() => Date.now() - stream.lastEchoAt > 1000, 10_000, 'echoes keep flowing after the revoke');
    assert.equal(stream.echoesSince(Date.now() - 900), 0, 'the stream is cut');
    stream.stop();
    await screenshot(page, 'console-session-revoked', shots());

    const ended = (await sys.wicketctlJson<{ id: string; state: string; acks: { ackedAtMs: number }[] }[]>(['session', 'list', '--all'])).find((s) => s.id === up.session.id)!;
    assert.equal(ended.state, 'revoked');
    assert.ok(ended.acks[0]!.ackedAtMs > 0);
    const audit = await sys.wicketctlJson<{ actor: string; target: string }[]>(['audit', '--action', 'session.revoke']);
    assert.ok(audit.some((r) => r.target === up.session.id && r.actor === 'admin:ada'), 'the revoke is audited as ada');
  });

  test('the overview counts the revocation in its latency histogram', async () => {
    await page.goto(`${base}/`);
    assert.equal(await page.locator('#revocations-total').textContent(), '1');
    assert.equal(await page.locator('#latency-chart canvas').count(), 1);
    assert.equal(await page.locator('tr', { has: page.locator('th', { hasText: 'dc1' }) }).locator('.health').textContent(), 'healthy');
    await screenshot(page, 'console-overview', shots());
  });
});
