// The OpenID Connect device authorization grant through the controller, shared by
// `wicket login --sso` (client/sso-login.ts) and `wicketctl login --sso`: StartSsoLogin
// returns the provider's verification URL and user code, handed to `prompt`; the controller
// is then polled until the user finished at the provider, and the result is the same
// device certificate as a password login.
import { authClients, call } from './grpc.js';
import type { LoginResponse__Output as LoginResponse } from '../proto/generated/wicket/v1/LoginResponse.js';
import type { StartSsoLoginResponse__Output as SsoPrompt } from '../proto/generated/wicket/v1/StartSsoLoginResponse.js';

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
