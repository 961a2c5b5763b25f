// A worker thread that sends hostile requests to a controller's auth port at a fixed rate:
// Login and EnrollGateway carrying a CSR chosen by the caller (e.g. a huge public exponent)
// and garbage credentials, and, given a valid CSR, garbage logins that reach the password
// check. It runs on its own event loop, so its schedule does not depend on the controller it
// attacks (which may share the process). It posts "sent" when the last request is out and
// then "done" with every reply's status code.
import { parentPort, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { authClients, call } from '../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';

export interface FloodOptions { auth: string; caPem: string; csrPem: string; count: number; perSecond: number; validCsrPem?: string }
export type FloodMessage = { kind: 'sent' } | { kind: 'done'; codes: string[] };

const o = workerData as FloodOptions;
const clients = authClients(o.auth, o.caPem);
// A well-formed WireGuard key, so that enrollments reach the CSR check.
const wgPublicKey = publicKeyOf(generatePrivateKey());
const replies: Promise<string>[] = [];
const code = (p: Promise<unknown>) => p.then(() => 'OK', (err: grpc.ServiceError) => grpc.status[err.code] ?? String(err.code));
for (let i = 0; i < o.count; i++) {
  const csrPem = o.validCsrPem && i % 3 === 2 ? o.validCsrPem : o.csrPem;
  replies.push(code(i % 3 === 1
    ? call(clients.auth, 'EnrollGateway', { token: `garbage${i}`, csrPem, wgPublicKey }, { deadlineMs: 600_000 })
    : call(clients.auth, 'Login', { username: `user${i % 7}`, password: `guess-${i}`, totpCode: '000000', csrPem, deviceName: 'x' }, { deadlineMs: 600_000 })));
  await new Promise((r) => setTimeout(r, 1000 / o.perSecond));
}
parentPort!.postMessage({ kind: 'sent' } satisfies FloodMessage);
const codes = await Promise.all(replies);
clients.close();
parentPort!.postMessage({ kind: 'done', codes } satisfies FloodMessage);
