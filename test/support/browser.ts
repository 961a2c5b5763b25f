// A real browser for console tests: Debian's chromium (`apt-get install chromium`) driven by
// playwright-core, never a downloaded browser. The flags keep it from reaching out to the
// network (this machine has none, and connection attempts would stall it) and let it run as
// root in a container. Screenshots go to WICKET_SCREENSHOT_DIR when set (the README's images
// are made with WICKET_SCREENSHOT_DIR=docs/img), else beside the test's other files.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.WICKET_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches chromium (or `executablePath`: a wrapper that runs it elsewhere, such as in a
 * network namespace), with `extraArgs` after the standard flags.
 */
export async function launchBrowser(executablePath = CHROMIUM, extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(executablePath)) throw new Error(`${executablePath} not found: install Debian's chromium (scripts/install-deps.sh) or set WICKET_CHROMIUM`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...extraArgs],
  });
}

/** A fresh browser profile that trusts the console's certificate (it chains to the controller's own CA). */
export function newContext(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, viewport });
}

/** Saves a full-page screenshot named `name`.png and returns its path. */
export async function screenshot(page: Page, name: string, fallbackDir: string): Promise<string> {
  const dir = process.env.WICKET_SCREENSHOT_DIR ?? fallbackDir;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
