// The controller's TLS termination. grpc-js would do TLS itself, but it hides failed
// handshakes (a certificate from another CA, no certificate at all, plain text on a TLS
// port): they never reach the application. So each listener is a node `tls.Server` of ours —
// it counts and logs every failed handshake — and hands each established, verified
// connection to the gRPC server through its connection injector. grpc-js then reads the
// peer certificate from the TLS socket exactly as it would had it terminated TLS itself.
// The listener also bounds what a caller can hold before authenticating: connections per
// source and in total (counted from the TCP accept, so half-open ones count too) and the
// time a TLS handshake may take.
import * as tls from 'node:tls';
import { createServer as createNetServer, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { sourceKey } from '../auth/source-key.js';

export interface ConnectionLimits {
  /** Open connections (handshaking or established) a source (IPv4 address, IPv6 /64) may hold. */
  maxConnectionsPerSource: number;
  /** Open connections on the listener in all. */
  maxConnections: number;
  /** A TLS handshake not finished by then is cut (node's default is two minutes). */
  handshakeTimeoutMs: number;
}

export type ConnectionRefusalReason = 'per_source' | 'total';

export interface TlsListenerOptions {
  /** "HOST:PORT" (port 0: any free port). */
  address: string;
  keyPem: string;
  /** The chain presented: server certificate, then the CA (clients pin the CA from it). */
  certChainPem: string;
  /** Set: a client certificate issued by this CA is required (mutual TLS). */
  clientCaPem?: string;
  /** Called once per failed handshake with a bounded reason (see handshakeFailureReason). */
  onHandshakeFailure: (reason: HandshakeFailureReason, remoteAddress: string) => void;
  limits: ConnectionLimits;
  /** Called once per connection closed at once because a limit was reached. */
  onConnectionRefused: (reason: ConnectionRefusalReason, remoteAddress: string) => void;
}

export interface TlsListener {
  port: number;
  /** Stops accepting connections (open ones go on). */
  close(): void;
  /** Ends the connections still open (after the gRPC server's shutdown). */
  destroy(): void;
}

export type HandshakeFailureReason = 'no_certificate' | 'untrusted_certificate' | 'expired_certificate' | 'not_tls' | 'aborted' | 'timeout' | 'other';

/**
 * A fixed set of reasons (an attacker must not be able to grow the metric's label set).
 * A client certificate that fails verification does not fail the handshake itself: node
 * ends the socket and records why in `authorizationError` (an OpenSSL verify code such as
 * DEPTH_ZERO_SELF_SIGNED_CERT), so that is looked at first; the error is then only the
 * hang-up. Codes as node 20 / OpenSSL 3 report them on the server side.
 */
export function handshakeFailureReason(err: NodeJS.ErrnoException, authorizationError?: string | Error | null): HandshakeFailureReason {
  const verify = typeof authorizationError === 'string' ? authorizationError : authorizationError?.message;
  if (verify) return verify === 'CERT_HAS_EXPIRED' || verify === 'CERT_NOT_YET_VALID' ? 'expired_certificate' : 'untrusted_certificate';
  const code = err.code ?? '';
  if (code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') return 'no_certificate';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_HTTP_REQUEST' || code === 'ERR_SSL_UNSUPPORTED_PROTOCOL') return 'not_tls';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'aborted';
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'timeout';
  return 'other';
}

function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`cannot listen on ${address}: expected HOST:PORT`);
  return { host: m[1]!, port: Number(m[2]) };
}

export function listenTls(server: grpc.Server, o: TlsListenerOptions): Promise<TlsListener> {
  const { host, port } = splitAddress(o.address);
  // The injector's own credentials are plaintext: the bytes it sees are already decrypted.
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const open = new Set<Socket>();
  const perSource = new Map<string, number>();
  let total = 0;
  const tlsServer = tls.createServer({
    handshakeTimeout: o.limits.handshakeTimeoutMs,
    key: o.keyPem,
    cert: o.certChainPem,
    ...(o.clientCaPem ? { ca: o.clientCaPem, requestCert: true, rejectUnauthorized: true } : { requestCert: false }),
    ALPNProtocols: ['h2'],
    minVersion: 'TLSv1.2',
  }, (socket) => {
    // Errors on an established connection are the HTTP/2 session's to handle; without a
    // listener node would throw them.
    socket.on('error', () => undefined);
    injector.injectConnection(socket);
  });
  // Raw TCP connections are counted before any TLS byte (so half-open ones count too), and
  // only those within the limits are handed to the TLS server.
  const netServer = createNetServer((raw: Socket) => {
    const remote = raw.remoteAddress ?? '';
    const key = sourceKey(remote);
    const held = perSource.get(key) ?? 0;
    const refusal: ConnectionRefusalReason | undefined = total >= o.limits.maxConnections ? 'total' : held >= o.limits.maxConnectionsPerSource ? 'per_source' : undefined;
    if (refusal) {
      raw.on('error', () => undefined);
      raw.destroy();
      o.onConnectionRefused(refusal, remote);
      return;
    }
    total++;
    perSource.set(key, held + 1);
    open.add(raw);
    raw.once('close', () => {
      open.delete(raw);
      total--;
      const left = (perSource.get(key) ?? 1) - 1;
      if (left > 0) perSource.set(key, left);
      else perSource.delete(key);
    });
    tlsServer.emit('connection', raw);
  });
  tlsServer.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
    o.onHandshakeFailure(handshakeFailureReason(err, socket.authorizationError), socket.remoteAddress ?? '');
    // Node leaves the connection open after a handshake timeout when the server listens for
    // this event: it must end here, or a half-open connection is held for ever.
    socket.destroy();
  });
  return new Promise((resolve, reject) => {
    netServer.once('error', (err) => reject(new Error(`cannot listen on ${o.address}: ${err.message}`)));
    netServer.listen(port, host, () => {
      resolve({
        port: (netServer.address() as { port: number }).port,
        close: () => {
          netServer.close();
        },
        destroy: () => {
          netServer.close();
          for (const s of open) s.destroy();
          injector.destroy();
        },
      });
    });
  });
}
