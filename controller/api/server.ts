// The controller's two gRPC listeners: the auth port (server TLS: Auth + health) and the
// API port (mutual TLS, a client certificate from our CA required: Client, Gateway, Admin
// + health). Both present the chain server certificate + CA, so a client can pin the CA
// by fingerprint from the handshake. TLS is terminated by tls-listener.ts, so failed
// handshakes are counted and logged; every finished call is counted by call-metrics.ts.
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { AdminHandlers } from '../../proto/generated/wicket/v1/Admin.js';
import type { ClientHandlers } from '../../proto/generated/wicket/v1/Client.js';
import type { GatewayHandlers } from '../../proto/generated/wicket/v1/Gateway.js';
import { wicketV1 } from '../../proto/load.js';
import type { Logger } from '../../common/log.js';
import type { ControllerMetrics } from './metrics.js';
import type { AuthHandlers } from '../../proto/generated/wicket/v1/Auth.js';
import { callMetricsInterceptor } from './call-metrics.js';
import { listenTls, type ConnectionRefusalReason, type HandshakeFailureReason, type TlsListener } from './tls-listener.js';
import { grpcLimitOptions, limitSettings, type LimitSettings } from './listener-limits.js';
import { decodeTelemetryBatch } from '../telemetry/batch-decoder.js';

/** Handler objects feature modules contribute; what is missing answers UNIMPLEMENTED. */
export interface ServiceSet {
  client?: Partial<ClientHandlers>;
  gateway?: Partial<GatewayHandlers>;
  adminExtras?: Partial<AdminHandlers>[];
}

/** Every service the two listeners serve, assembled by the composition root (controller/app/). */
export interface Services {
  auth: AuthHandlers;
  admin: Partial<AdminHandlers>;
  client: Partial<ClientHandlers>;
  gateway: Partial<GatewayHandlers>;
}

/** What the listeners need from the controller: the CA they present and trust, the log and the transport metrics. */
export interface ServerDeps {
  ca: { certPem: string };
  log: Logger;
  metrics: Pick<ControllerMetrics, 'handled' | 'internalErrors' | 'tlsFailures' | 'connectionsRefused'>;
}

export interface ServerOptions {
  ctx: ServerDeps;
  /** "HOST:PORT" of the API port (port 0 = any free port). */
  listen: string;
  authListen: string;
  serverCertPem: string;
  serverKeyPem: string;
  services: Services;
  /** Connection, stream and timeout limits of both listeners (defaults in listener-limits.ts). */
  limits?: Partial<LimitSettings>;
}

export interface RunningServers {
  apiPort: number;
  authPort: number;
  /** Stops accepting calls, waits up to `graceMs` for running ones, then cuts the rest. */
  stop(graceMs?: number): Promise<void>;
}

const API_SERVER_OPTIONS: grpc.ServerOptions = {
  // Above every validated size (policy text 1 MiB), so oversized fields get INVALID_ARGUMENT.
  'grpc.max_receive_message_length': 16 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.keepalive_permit_without_calls': 1,
};
const AUTH_SERVER_OPTIONS: grpc.ServerOptions = { 'grpc.max_receive_message_length': 1024 * 1024 };

/** At most one log line per listener and reason per interval: a flood is a count, not a log storm. */
const HANDSHAKE_LOG_INTERVAL_MS = 10_000;

function shutdown(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startServers(opts: ServerOptions): Promise<RunningServers> {
  const { ctx } = opts;
  const v1 = wicketV1();
  const interceptors = [callMetricsInterceptor(ctx.metrics.handled, ctx.metrics.internalErrors)];

  const limits = limitSettings(opts.limits);
  const auth = new grpc.Server({ ...AUTH_SERVER_OPTIONS, ...grpcLimitOptions(limits.auth), interceptors });
  auth.addService(v1.Auth.service, opts.services.auth);
  new HealthImplementation({ '': 'SERVING', 'wicket.v1.Auth': 'SERVING' }).addToServer(auth);

  const api = new grpc.Server({ ...API_SERVER_OPTIONS, ...grpcLimitOptions(limits.api), interceptors });
  api.addService(v1.Admin.service, opts.services.admin as grpc.UntypedServiceImplementation);
  api.addService(v1.Client.service, opts.services.client as grpc.UntypedServiceImplementation);
  // Telemetry batches are read by a decoder of their own (the generic one's garbage slowed ingest).
  const gateway = { ...v1.Gateway.service, Report: { ...v1.Gateway.service.Report, requestDeserialize: decodeTelemetryBatch } };
  api.addService(gateway, opts.services.gateway as grpc.UntypedServiceImplementation);
  new HealthImplementation({ '': 'SERVING', 'wicket.v1.Admin': 'SERVING', 'wicket.v1.Client': 'SERVING', 'wicket.v1.Gateway': 'SERVING' }).addToServer(api);

  const lastLogged = new Map<string, { atMs: number; suppressed: number }>();
  const warnThrottled = (key: string, fields: Record<string, string>, message: string) => {
    const now = Date.now();
    const last = lastLogged.get(key);
    if (last && now - last.atMs < HANDSHAKE_LOG_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    ctx.log.warn({ ...fields, suppressedSinceLast: last?.suppressed ?? 0 }, message);
    lastLogged.set(key, { atMs: now, suppressed: 0 });
  };
  const handshakeFailed = (listener: 'api' | 'auth') => (reason: HandshakeFailureReason, remote: string) => {
    ctx.metrics.tlsFailures.inc({ listener, reason });
    warnThrottled(`${listener}/${reason}`, { listener, reason, remote }, 'TLS handshake failed');
  };
  const connectionRefused = (listener: 'api' | 'auth') => (reason: ConnectionRefusalReason, remote: string) => {
    ctx.metrics.connectionsRefused.inc({ listener, reason });
    warnThrottled(`${listener}/refused/${reason}`, { listener, reason, remote }, 'connection refused: limit reached');
  };

  const certChainPem = `${opts.serverCertPem.trim()}\n${ctx.ca.certPem.trim()}\n`;
  const listeners: TlsListener[] = [];
  const closeAll = () => {
    for (const l of listeners) l.destroy();
  };
  try {
    const authListener = await listenTls(auth, { address: opts.authListen, keyPem: opts.serverKeyPem, certChainPem, onHandshakeFailure: handshakeFailed('auth'), limits: limits.auth, onConnectionRefused: connectionRefused('auth') });
    listeners.push(authListener);
    const apiListener = await listenTls(api, { address: opts.listen, keyPem: opts.serverKeyPem, certChainPem, clientCaPem: ctx.ca.certPem, onHandshakeFailure: handshakeFailed('api'), limits: limits.api, onConnectionRefused: connectionRefused('api') });
    listeners.push(apiListener);
    return {
      authPort: authListener.port, apiPort: apiListener.port,
      stop: async (graceMs = 5000) => {
        for (const l of listeners) l.close();
        await Promise.all([shutdown(api, graceMs), shutdown(auth, graceMs)]);
        closeAll();
      },
    };
  } catch (err) {
    closeAll();
    auth.forceShutdown();
    api.forceShutdown();
    throw err;
  }
}
