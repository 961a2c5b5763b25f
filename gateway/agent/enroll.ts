// Gateway enrollment: pins the controller CA by fingerprint, makes the TLS key here (it never
// leaves the host), exchanges the one-time join token, a CSR and the WireGuard public key
// (the controller binds it to the certificate; the private key stays in wg.key) for a
// gateway certificate, and writes the state directory (secrets 0600, atomically;
// gateway.json last).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import type { EnrollGatewayRequest } from '../../proto/generated/wicket/v1/EnrollGatewayRequest.js';
import type { EnrollGatewayResponse__Output } from '../../proto/generated/wicket/v1/EnrollGatewayResponse.js';
import { authClients, call } from '../../common/grpc.js';
import { parseControllerList } from '../../common/controller-list.js';
import { callWithFailover } from '../../common/failover-call.js';
import {
  certFingerprint, createCsr, fetchPinnedCa, generateKeyPair, normalizeFingerprint, writePublicFile, writeSecretFile,
} from '../../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { isEnrolled, statePath, type GatewayInfo } from './state.js';

export interface EnrollOptions {
  /** The controller's auth endpoint, "HOST:PORT", or a comma-separated list of them tried in order. */
  controller: string;
  caFingerprint: string;
  token: string;
  stateDir: string;
  /** Replace an existing enrollment (the WireGuard key is kept). */
  force?: boolean;
}

/** The outside world enrollment talks to; replaced in unit tests. */
export interface EnrollDeps {
  fetchPinnedCa(hostPort: string, fingerprint: string): Promise<string>;
  enrollGateway(hostPort: string, caPem: string, request: EnrollGatewayRequest): Promise<EnrollGatewayResponse__Output>;
  generateWgPrivateKey(): Promise<string>;
  now(): number;
}

export const defaultEnrollDeps: EnrollDeps = {
  fetchPinnedCa,
  async enrollGateway(hostPort, caPem, request) {
    const { auth, close } = authClients(hostPort, caPem);
    try {
      return await call(auth, 'EnrollGateway', request, { deadlineMs: 20_000 });
    } finally {
      close();
    }
  },
  generateWgPrivateKey: async () => generatePrivateKey(),
  now: () => Date.now(),
};

/** Enrolls the gateway; resolves to what was written to gateway.json. */
export async function enrollGateway(options: EnrollOptions, deps: EnrollDeps = defaultEnrollDeps): Promise<GatewayInfo> {
  const { stateDir } = options;
  const controllers = parseControllerList(options.controller); // a malformed address fails here, with its own message
  const fingerprint = normalizeFingerprint(options.caFingerprint);
  const token = options.token.trim();
  if (token.length === 0 || token.length > 128) throw new Error('the join token must be 1-128 characters (from `wicketctl gateway token NAME`)');
  if (!options.force && (await isEnrolled(stateDir))) {
    throw new Error(`${stateDir} already holds an enrollment: pass --force to replace it`);
  }

  const keys = generateKeyPair();
  // The WireGuard key is the gateway's identity toward clients: made once, kept on re-enroll
  // (written only once the enrollment succeeded).
  const wgKeyPath = statePath(stateDir, 'wgKey');
  const existingWgKey = (await readFile(wgKeyPath, 'utf8').catch(() => '')).trim();
  const wgPrivateKey = existingWgKey || await deps.generateWgPrivateKey();
  const csrPem = createCsr(keys, 'wicket-gateway');
  // The first controller that can be reached enrolls the gateway; a token spent on one is
  // never resent, because only a call that reached no controller moves on.
  const { result: { caPem, response }, index } = await callWithFailover(controllers, async (controller) => {
    // Nothing is sent to the controller before its CA matches the pin.
    const caPem = await deps.fetchPinnedCa(controller, fingerprint);
    return { caPem, response: await deps.enrollGateway(controller, caPem, { token, csrPem, wgPublicKey: publicKeyOf(wgPrivateKey) }) };
  });
  const controller = controllers[index]!;
  checkIssued(response, caPem, fingerprint, keys.privateKeyPem);

  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeSecretFile(statePath(stateDir, 'key'), keys.privateKeyPem);
  writePublicFile(statePath(stateDir, 'cert'), response.certificatePem);
  writePublicFile(statePath(stateDir, 'ca'), caPem);
  if (!existingWgKey) writeSecretFile(wgKeyPath, `${wgPrivateKey}\n`);
  const info: GatewayInfo = {
    name: response.gatewayName,
    controller,
    caFingerprint: fingerprint,
    enrolledAtMs: deps.now(),
    certificateExpiresAtMs: response.expiresAtMs,
  };
  writePublicFile(statePath(stateDir, 'info'), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

/** The returned certificate must be for our key and signed by the pinned CA. */
function checkIssued(response: EnrollGatewayResponse__Output, caPem: string, fingerprint: string, keyPem: string): void {
  if (!response.gatewayName) throw new Error('the controller returned no gateway name');
  if (response.caPem && certFingerprint(response.caPem) !== fingerprint) {
    throw new Error('the controller returned a CA that does not match the pinned fingerprint; nothing was written');
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(response.certificatePem);
  } catch (err) {
    throw new Error(`the controller returned an unreadable certificate: ${(err as Error).message}`);
  }
  if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('the controller returned a certificate for another key; nothing was written');
  if (!cert.verify(new X509Certificate(caPem).publicKey)) throw new Error('the returned certificate is not signed by the pinned CA; nothing was written');
}
