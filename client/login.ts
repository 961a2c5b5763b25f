// `wicket login`: pins the controller CA by fingerprint, sends username, password, TOTP code
// and a CSR made from the persistent device key, and stores the returned certificate.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { hostname } from 'node:os';
import { createCsr, fetchPinnedCa, normalizeFingerprint } from '../common/pki.js';
import { authClients, call } from '../common/grpc.js';
import { deriveApiEndpoint } from './endpoint.js';
import type { LoginState, StateDir } from './state.js';

export interface LoginInput {
  /** The controller's auth endpoint, HOST:PORT. */
  controller: string;
  caFingerprint: string;
  username: string;
  password: string;
  totpCode: string;
  deviceName?: string;
  /** Overrides the API endpoint the controller reports. */
  apiEndpoint?: string;
  deadlineMs?: number;
}

/** Logs in and stores certificate, CA and login.json in the state directory. */
export async function login(state: StateDir, input: LoginInput): Promise<LoginState> {
  const fingerprint = normalizeFingerprint(input.caFingerprint);
  // Nothing (not even the user name) is sent before the controller proves it holds the pinned CA.
  const caPem = await fetchPinnedCa(input.controller, fingerprint);
  const keys = state.deviceKeys();
  const { auth, close } = authClients(input.controller, caPem);
  try {
    const res = await call(auth, 'Login', {
      username: input.username,
      password: input.password,
      totpCode: input.totpCode,
      csrPem: createCsr(keys, `user:${input.username}`),
      deviceName: input.deviceName ?? hostname(),
    }, { deadlineMs: input.deadlineMs ?? 20_000 });
    const cert = new X509Certificate(res.certificatePem);
    const certKey = cert.publicKey.export({ type: 'spki', format: 'der' });
    const ourKey = createPublicKey(keys.publicKeyPem).export({ type: 'spki', format: 'der' });
    if (!certKey.equals(ourKey)) throw new Error('the controller returned a certificate for a different key than this device\'s');
    const apiEndpoint = input.apiEndpoint ?? deriveApiEndpoint(res.apiEndpoint, input.controller);
    const login: LoginState = {
      controller: input.controller,
      caFingerprint: fingerprint,
      apiEndpoint,
      username: res.username,
      deviceId: res.deviceId,
      deviceName: input.deviceName ?? hostname(),
      certExpiresAtMs: res.expiresAtMs || Date.parse(cert.validTo),
      admin: res.admin,
    };
    // The reply came over the channel authenticated by the pinned CA, so its CA is trusted.
    state.saveLogin(login, res.certificatePem, res.caPem || caPem);
    return login;
  } finally {
    close();
  }
}
