// Real handshakes against listenTls on loopback: a verified client reaches the gRPC server,
// and each kind of failed handshake is reported once with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import forge from 'node-forge';
import { listenTls, type ConnectionRefusalReason, type HandshakeFailureReason } from './tls-listener.js';
import { DEFAULT_LIMITS } from './listener-limits.js';

function selfSigned(cn: string, opts: { issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }; notAfter?: Date } = {}) {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = String(Math.floor(Math.random() * 1e9));
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 3_600_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : [{ name: 'commonName', value: cn }]);
  if (!opts.issuer) cert.setExtensions([{ name: 'basicConstraints', cA: true }]);
  else cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }]);
  cert.sign(opts.issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey, certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

test('failed handshakes are reported by reason; a verified client gets through to gRPC', async () => {
  const ca = selfSigned('test CA');
  const server = selfSigned('server', { issuer: ca });
  const client = selfSigned('client', { issuer: ca });
  const expired = selfSigned('old client', { issuer: ca, notAfter: new Date(Date.now() - 60_000) });
  const foreign = selfSigned('evil');
  const failures: HandshakeFailureReason[] = [];
  const grpcServer = new grpc.Server();
  const listener = await listenTls(grpcServer, {
    address: '127.0.0.1:0', keyPem: server.keyPem, certChainPem: server.certPem + ca.certPem, clientCaPem: ca.certPem,
    onHandshakeFailure: (reason) => failures.push(reason), limits: DEFAULT_LIMITS.api, onConnectionRefused: () => undefined,
  });
  const attempt = (o: tls.ConnectionOptions) => new Promise<string>((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port: listener.port, ca: ca.certPem, servername: 'localhost', ALPNProtocols: ['h2'], ...o });
    s.on('secureConnect', () => s.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    s.on('data', () => { s.destroy(); resolve('spoke h2'); });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    s.on('close', () => resolve('closed'));
  });
  try {
    assert.equal(await attempt({ cert: client.certPem, key: client.keyPem }), 'spoke h2');
    assert.notEqual(await attempt({ cert: foreign.certPem, key: foreign.keyPem }), 'spoke h2');
    assert.notEqual(await attempt({ cert: expired.certPem, key: expired.keyPem }), 'spoke h2');
    assert.notEqual(await attempt({}), 'spoke h2');
    await new Promise<void>((resolve) => {
      const p = net.connect(listener.port, '127.0.0.1', () => p.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      p.on('error', () => undefined);
      p.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(failures.sort(), ['expired_certificate', 'no_certificate', 'not_tls', 'untrusted_certificate']);
  } finally {
    listener.destroy();
    grpcServer.forceShutdown();
  }
});

test('connections past the per-source and total limits are closed at accept; a stalled handshake is cut', async () => {
  const ca = selfSigned('test CA');
  const server = selfSigned('server', { issuer: ca });
  const failures: HandshakeFailureReason[] = [];
  const refused: ConnectionRefusalReason[] = [];
  const grpcServer = new grpc.Server();
  const listener = await listenTls(grpcServer, {
    address: '127.0.0.1:0', keyPem: server.keyPem, certChainPem: server.certPem + ca.certPem,
    onHandshakeFailure: (reason) => failures.push(reason), onConnectionRefused: (reason) => refused.push(reason),
    limits: { maxConnectionsPerSource: 3, maxConnections: 4, handshakeTimeoutMs: 300 },
  });
  /** Opens a TCP connection that never says anything; resolves when the server closes it. */
  const halfOpen = (localAddress: string) => new Promise<void>((resolve) => {
    const s = net.connect({ port: listener.port, host: '127.0.0.1', localAddress });
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });
  try {
    const closed = [...Array(5)].map(() => halfOpen('127.0.0.1'));
    await Promise.all(closed.slice(3));
    await new Promise((r) => setTimeout(r, 50));
    // A second source still gets in, up to the total.
    const other = [halfOpen('127.0.0.2'), halfOpen('127.0.0.2')];
    await Promise.all([...closed, ...other]);
    assert.deepEqual(refused.sort(), ['per_source', 'per_source', 'total']);
    assert.deepEqual(failures, ['timeout', 'timeout', 'timeout', 'timeout']);
  } finally {
    listener.destroy();
    grpcServer.forceShutdown();
  }
});
