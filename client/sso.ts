// Single sign-on from the command line (`wicket login --sso`, `wicketctl login --sso`): the
// device authorization grant through the controller. StartSsoLogin returns the provider's
// verification URL and user code; they are shown (and the page opened in a browser when
// there is a display and xdg-open); the controller is polled until the user finished at the
// provider, and the result is the same device certificate as a password login.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { hostname } from 'node:os';
import { createCsr, fetchPinnedCa, normalizeFingerprint } from '../common/pki.js';
import { authClients, call } from '../common/grpc.js';
import type { LoginResponse__Output as LoginResponse } from '../proto/generated/wicket/v1/LoginResponse.js';
import type { StartSsoLoginResponse__Output as SsoPrompt } from '../proto/generated/wicket/v1/StartSsoLoginResponse.js';
import { deriveApiEndpoint } from './endpoint.js';
import type { LoginState, StateDir } from './state.js';

export type { SsoPrompt };

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

export interface SsoDeviceLoginInput {
  /** The controller's auth endpoint and its pinned CA. */
  controller: string;
  caPem: string;
  provider: string;
  csrPem: string;
  deviceName: string;
  /** Called once with the URL and code to show. */
  prompt: (p: SsoPrompt) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs the device flow through the controller and resolves with the signed certificate. */
export async function ssoDeviceLogin(input: SsoDeviceLoginInput): Promise<LoginResponse> {
  const sleep = input.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { auth, close } = authClients(input.controller, input.caPem);
  try {
    const start = await call(auth, 'StartSsoLogin', { provider: input.provider, csrPem: input.csrPem, deviceName: input.deviceName });
    input.prompt(start);
    let interval = Math.max(1, start.intervalSeconds);
    for (;;) {
      await sleep(interval * 1000);
      const r = await call(auth, 'PollSsoLogin', { loginId: start.loginId });
      if (!r.pending && r.login) return r.login;
      interval = Math.max(1, r.intervalSeconds || interval);
    }
  } finally {
    close();
  }
}

export interface SsoLoginInput {
  controller: string;
  caFingerprint: string;
  /** The provider's name on the controller ("" = its only one). */
  provider: string;
  deviceName?: string;
  apiEndpoint?: string;
  prompt: (p: SsoPrompt) => void;
}

/** `wicket login --sso`: pins the CA, runs the device flow with the device key, stores the login. */
export async function ssoLogin(state: StateDir, input: SsoLoginInput): Promise<LoginState> {
  const fingerprint = normalizeFingerprint(input.caFingerprint);
  const caPem = await fetchPinnedCa(input.controller, fingerprint);
  const keys = state.deviceKeys();
  const deviceName = input.deviceName ?? hostname();
  const res = await ssoDeviceLogin({ controller: input.controller, caPem, provider: input.provider, csrPem: createCsr(keys, `sso:${input.provider}`), deviceName, prompt: input.prompt });
  const cert = new X509Certificate(res.certificatePem);
  if (!cert.publicKey.export({ type: 'spki', format: 'der' }).equals(createPublicKey(keys.publicKeyPem).export({ type: 'spki', format: 'der' }))) {
    throw new Error('the controller returned a certificate for a different key than this device\'s');
  }
  const login: LoginState = {
    controller: input.controller, caFingerprint: fingerprint, apiEndpoint: input.apiEndpoint ?? deriveApiEndpoint(res.apiEndpoint, input.controller),
    username: res.username, deviceId: res.deviceId, deviceName, certExpiresAtMs: Number(res.expiresAtMs) || Date.parse(cert.validTo), admin: res.admin,
  };
  state.saveLogin(login, res.certificatePem, res.caPem || caPem);
  return login;
}
