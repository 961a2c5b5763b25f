// What a command-line device-flow login shows the user (`wicket login --sso`, `wicketctl
// login --sso`): the verification URL and code to enter, and the page opened in a browser
// when there is a display and xdg-open.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { StartSsoLoginResponse__Output as SsoPrompt } from '../proto/generated/wicket/v1/StartSsoLoginResponse.js';

/** What to tell the user: where to go and which code to enter. */
export function formatSsoPrompt(p: SsoPrompt): string {
  return `To log in with ${p.provider}, open ${p.verificationUriComplete || p.verificationUri}\n`
    + `and confirm the code ${p.userCode} (valid until ${new Date(Number(p.expiresAtMs)).toISOString()}).\n`;
}

/** The executable `name` on PATH, if any. */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Opens `url` with xdg-open when a graphical session is there; returns whether it tried. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  const opener = onPath('xdg-open', env);
  if (!opener) return false;
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
  return true;
}
