// Steps the console browser tests share.
import type { Page } from 'playwright-core';

/** Fills and submits the sign-in form; the page ends wherever the console sent it. */
export async function signIn(page: Page, base: string, user: string, password: string, code: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Code from your authenticator app').fill(code);
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.waitForLoadState('load');
}
