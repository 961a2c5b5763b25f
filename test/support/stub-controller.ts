// Test support: a stand-in controller for the client's tests — real gRPC over real TLS
// (auth port) and mutual TLS (API port) with certificates from the real CA code, but with
// scripted Auth and Client handlers that record what the client sent. Never used outside tests.
import * as grpc from '@grpc/grpc-js';
import { CertificateAuthority, createCa, parseCsr } from '../../controller/crypto/ca.js';
import { deviceIdFromSpki } from '../../controller/crypto/identity.js';
import { certFingerprint, createCsr, generateKeyPair } from '../../common/pki.js';
import { wicketV1 } from '../../proto/load.js';
import type { AuthHandlers } from '../../proto/generated/wicket/v1/Auth.js';
import type { ClientHandlers } from '../../proto/generated/wicket/v1/Client.js';
import type { ConnectRequest__Output } from '../../proto/generated/wicket/v1/ConnectRequest.js';
import type { ConnectResponse } from '../../proto/generated/wicket/v1/ConnectResponse.js';
import type { Posture__Output } from '../../proto/generated/wicket/v1/Posture.js';
import type { SessionEvent } from '../../proto/generated/wicket/v1/SessionEvent.js';

/**
 * The device id the controller derives from a device's public key, for client tests that check
 * what a login stored: client code may not import the controller, so its tests reach the
 * controller's rule through this stand-in.
 */
export { deviceIdFromSpki };

export const STUB_PASSWORD = 'correct horse';
export const STUB_TOTP = '123456';

export interface StubController {
  authEndpoint: string;
  apiPort: number;
  caFingerprint: string;
  logins: number;
  /** When set, Login signs a certificate for another key than the CSR's. */
  signOtherKey: boolean;
  connects: ConnectRequest__Output[];
  disconnects: string[];
  heartbeats: { sessionId: string; posture: Posture__Output | null }[];
  /** The reply to the next Connect, given the request and a fresh session id. */
  onConnect: (req: ConnectRequest__Output, id: string) => ConnectResponse;
  /** Sends an event to every open Watch of the session. */
  push(sessionId: string, event: SessionEvent): void;
  watchers(sessionId: string): number;
  close(): void;
}

function bind(server: grpc.Server, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', creds, (err, port) => (err ? reject(err) : resolve(port))));
}

/** Starts the stand-in on 127.0.0.1 (two ports); `apiHost` is what Login reports as the API endpoint's host. */
export async function startStubController(apiHost = '0.0.0.0'): Promise<StubController> {
  const caFiles = createCa(Date.now());
  const ca = new CertificateAuthority(caFiles.certPem, caFiles.keyPem);
  const srv = ca.issueServer([], Date.now());
  const keyCertPairs = [{ cert_chain: Buffer.from(srv.certPem + caFiles.certPem), private_key: Buffer.from(srv.keys.privateKeyPem) }];
  const watches = new Map<string, Set<grpc.ServerWritableStream<unknown, SessionEvent>>>();
  let nextId = 1;
  let apiPort = 0;

  const stub: StubController = {
    authEndpoint: '', apiPort: 0, caFingerprint: certFingerprint(caFiles.certPem), logins: 0, signOtherKey: false,
    connects: [], disconnects: [], heartbeats: [],
    onConnect: () => { throw new Error('no Connect reply scripted'); },
    push: (sessionId, event) => { for (const w of watches.get(sessionId) ?? []) w.write(event); },
    watchers: (sessionId) => watches.get(sessionId)?.size ?? 0,
    close: () => { auth.forceShutdown(); api.forceShutdown(); },
  };

  const authHandlers: Partial<AuthHandlers> = {
    Login: (call, cb) => {
      stub.logins++;
      const r = call.request;
      if (r.password !== STUB_PASSWORD || r.totpCode !== STUB_TOTP) return cb({ code: grpc.status.UNAUTHENTICATED, details: 'invalid credentials' });
      const deviceId = deviceIdFromSpki(parseCsr(r.csrPem).spkiDer);
      const csr = parseCsr(stub.signOtherKey ? createCsr(generateKeyPair(), 'someone else') : r.csrPem);
      const issued = ca.issueClient(csr, [{ kind: 'user', name: r.username, deviceId }], Date.now(), 3_600_000);
      cb(null, {
        certificatePem: issued.certPem, caPem: caFiles.certPem, apiEndpoint: `${apiHost}:${apiPort}`,
        expiresAtMs: issued.notAfterMs, username: r.username, deviceId, admin: false,
      });
    },
  };
  const clientHandlers: Partial<ClientHandlers> = {
    Connect: (call, cb) => {
      stub.connects.push(call.request);
      try {
        cb(null, stub.onConnect(call.request, `sess-${nextId++}`));
      } catch (err) {
        cb({ code: grpc.status.FAILED_PRECONDITION, details: (err as Error).message });
      }
    },
    Watch: (call) => {
      const id = call.request.sessionId;
      const set = watches.get(id) ?? new Set();
      watches.set(id, set);
      set.add(call);
      call.on('cancelled', () => set.delete(call));
    },
    Heartbeat: (call, cb) => {
      stub.heartbeats.push({ sessionId: call.request.sessionId, posture: call.request.posture });
      cb(null, { intervalMs: 60_000 });
    },
    Disconnect: (call, cb) => {
      stub.disconnects.push(call.request.sessionId);
      cb(null, {});
    },
    ListResources: (_call, cb) => cb(null, {
      resources: [
        { resource: 'wiki', gateway: 'dc1', address: '10.20.0.10', ports: ['tcp/443'], allowed: true, grants: ['eng-wiki'] },
        { resource: 'db', gateway: 'dc1', address: '10.20.1.0/24', ports: ['tcp/5432'], allowed: false, denial: { resource: 'db', code: 'no_grant', message: 'no grant gives you db' } },
      ],
    }),
  };

  const auth = new grpc.Server();
  auth.addService(wicketV1().Auth.service, authHandlers as AuthHandlers);
  const api = new grpc.Server();
  api.addService(wicketV1().Client.service, clientHandlers as ClientHandlers);
  const authPort = await bind(auth, grpc.ServerCredentials.createSsl(null, keyCertPairs, false));
  apiPort = await bind(api, grpc.ServerCredentials.createSsl(Buffer.from(caFiles.certPem), keyCertPairs, true));
  stub.authEndpoint = `127.0.0.1:${authPort}`;
  stub.apiPort = apiPort;
  return stub;
}
