// Single sign-on from `wicket login --sso`: pins the controller's CA, runs the device flow
// (common/device-flow-login.ts) with the device key, checks the returned certificate is for
// that key and stores the login like a password login. With a controller list, the first
// controller that answers the CA pin runs the whole flow (its steps belong to one controller).
import { X509Certificate, createPublicKey } from 'node:crypto';
import { hostname } from 'node:os';
import { ssoDeviceLogin } from '../common/device-flow-login.js';
import { createCsr, fetchPinnedCa, normalizeFingerprint } from '../common/pki.js';
import type { StartSsoLoginResponse__Output as SsoPrompt } from '../proto/generated/wicket/v1/StartSsoLoginResponse.js';
import { callWithFailover } from '../common/failover-call.js';
import { apiEndpointsFor } from './endpoint.js';
import { loginEndpoints } from './login.js';
import type { LoginState, StateDir } from './state.js';

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
  const { controllers, apiOverride } = loginEndpoints(input);
  const { result: caPem, index } = await callWithFailover(controllers, (controller) => fetchPinnedCa(controller, fingerprint));
  const controller = controllers[index]!;
  const keys = state.deviceKeys();
  const deviceName = input.deviceName ?? hostname();
  const res = await ssoDeviceLogin({ controller, caPem, provider: input.provider, csrPem: createCsr(keys, `sso:${input.provider}`), deviceName, prompt: input.prompt });
  const cert = new X509Certificate(res.certificatePem);
  if (!cert.publicKey.export({ type: 'spki', format: 'der' }).equals(createPublicKey(keys.publicKeyPem).export({ type: 'spki', format: 'der' }))) {
    throw new Error('the controller returned a certificate for a different key than this device\'s');
  }
  const apiEndpoints = apiEndpointsFor(controllers, res.apiEndpoint, index, apiOverride);
  const login: LoginState = {
    controller, caFingerprint: fingerprint, apiEndpoint: apiEndpoints[index]!, controllers, apiEndpoints,
    username: res.username, deviceId: res.deviceId, deviceName, certExpiresAtMs: Number(res.expiresAtMs) || Date.parse(cert.validTo), admin: res.admin,
  };
  state.saveLogin(login, res.certificatePem, res.caPem || caPem);
  return login;
}
