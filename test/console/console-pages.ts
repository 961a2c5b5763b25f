// Steps the console browser tests share.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { codeAt, type TestController } from '../integration/harness.js';
import { launchBrowser, newContext } from '../support/browser.js';

/** Fills and submits the sign-in form; the page ends wherever the console sent it. */
export async function signIn(page: Page, base: string, user: string, password: string, code: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Code from your authenticator app').fill(code);
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.waitForLoadState('load');
}

/**
 * A browser with one page signed in as an admin. The controller's clock moves one TOTP step
 * first, so the code is one the login has not seen (it refuses a replayed step).
 */
export async function signedInPage(t: TestController, base: string, user: string, password: string, totpSecret: string): Promise<{ browser: Browser; ctx: BrowserContext; page: Page }> {
  const browser = await launchBrowser();
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  t.advance(30_000);
  await signIn(page, base, user, password, await codeAt(t, totpSecret));
  return { browser, ctx, page };
}
