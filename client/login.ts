// `wicket login`: pins the controller CA by fingerprint, sends username, password, TOTP code
// and a CSR made from the persistent device key, and stores the returned certificate. With a
// controller list, the first controller that can be reached takes the login; the list and each
// controller's API endpoint are stored for the session's failover.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { hostname } from 'node:os';
import { createCsr, fetchPinnedCa, normalizeFingerprint } from '../common/pki.js';
import { authClients, call } from '../common/grpc.js';
import { parseControllerList } from '../common/controller-list.js';
import { callWithFailover } from '../common/failover-call.js';
import { apiEndpointsFor } from './endpoint.js';
import type { LoginState, StateDir } from './state.js';

export interface LoginInput {
  /** The controller's auth endpoint, HOST:PORT, or a comma-separated list of them. */
  controller: string;
  caFingerprint: string;
  username: string;
  password: string;
  totpCode: string;
  deviceName?: string;
  /** Overrides the API endpoint the controller reports (with a list, one per controller, comma-separated). */
  apiEndpoint?: string;
  deadlineMs?: number;
}

/** The login's controller lists: parsed and checked before anything is sent. */
export function loginEndpoints(input: { controller: string; apiEndpoint?: string }): { controllers: string[]; apiOverride?: string[] } {
  const controllers = parseControllerList(input.controller);
  const apiOverride = input.apiEndpoint === undefined ? undefined : parseControllerList(input.apiEndpoint);
  if (apiOverride && apiOverride.length !== controllers.length) {
    throw new Error(`--api-endpoint names ${apiOverride.length} endpoint(s) for ${controllers.length} controller(s): give one per controller, in the same order`);
  }
  return { controllers, apiOverride };
}

/** Logs in and stores certificate, CA and login.json in the state directory. */
export async function login(state: StateDir, input: LoginInput): Promise<LoginState> {
  const fingerprint = normalizeFingerprint(input.caFingerprint);
  const { controllers, apiOverride } = loginEndpoints(input);
  const keys = state.deviceKeys();
  const { result: { res, caPem }, index } = await callWithFailover(controllers, async (controller) => {
    // Nothing (not even the user name) is sent before the controller proves it holds the pinned CA.
    const caPem = await fetchPinnedCa(controller, fingerprint);
    const { auth, close } = authClients(controller, caPem);
    try {
      const res = await call(auth, 'Login', {
        username: input.username,
        password: input.password,
        totpCode: input.totpCode,
        csrPem: createCsr(keys, `user:${input.username}`),
        deviceName: input.deviceName ?? hostname(),
      }, { deadlineMs: input.deadlineMs ?? 20_000 });
      return { res, caPem };
    } finally {
      close();
    }
  });
  const cert = new X509Certificate(res.certificatePem);
  const certKey = cert.publicKey.export({ type: 'spki', format: 'der' });
  const ourKey = createPublicKey(keys.publicKeyPem).export({ type: 'spki', format: 'der' });
  if (!certKey.equals(ourKey)) throw new Error('the controller returned a certificate for a different key than this device\'s');
  const apiEndpoints = apiEndpointsFor(controllers, res.apiEndpoint, index, apiOverride);
  const login: LoginState = {
    controller: controllers[index]!,
    caFingerprint: fingerprint,
    apiEndpoint: apiEndpoints[index]!,
    controllers,
    apiEndpoints,
    username: res.username,
    deviceId: res.deviceId,
    deviceName: input.deviceName ?? hostname(),
    certExpiresAtMs: res.expiresAtMs || Date.parse(cert.validTo),
    admin: res.admin,
  };
  // The reply came over the channel authenticated by the pinned CA, so its CA is trusted.
  state.saveLogin(login, res.certificatePem, res.caPem || caPem);
  return login;
}
