// Prometheus metrics of the controller (prom-client), in one registry that the metrics
// listener serves and other modules add their own metrics to.
import { Registry, Counter, collectDefaultMetrics } from 'prom-client';

export interface ControllerMetrics {
  registry: Registry;
  logins: Counter<'result'>;
  enrollments: Counter<'result'>;
  /** Calls refused by authorization (wrong certificate kind, expired, revoked, disabled, blocked). */
  refusals: Counter<'reason'>;
  /** Finished gRPC calls by service, method and status code. */
  handled: Counter<'service' | 'method' | 'code'>;
  /** Failed TLS handshakes by listener (api, auth) and reason. */
  tlsFailures: Counter<'listener' | 'reason'>;
  /** Throws caught at a boundary (handler, post-commit step, timer, stream event, process), by where. */
  internalErrors: Counter<'where'>;
  /** Connections closed at accept because a connection limit was reached, by listener and reason (per_source, total). */
  connectionsRefused: Counter<'listener' | 'reason'>;
  /** Requests refused by a per-source rate limit before any work, by method. */
  rateLimited: Counter<'method'>;
}

export function createMetrics(): ControllerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'wicket_controller_' });
  return {
    registry,
    logins: new Counter({ name: 'wicket_logins_total', help: 'Login attempts by result (ok, failed)', labelNames: ['result'], registers: [registry] }),
    enrollments: new Counter({ name: 'wicket_gateway_enrollments_total', help: 'Gateway enrollment attempts by result (ok, failed)', labelNames: ['result'], registers: [registry] }),
    refusals: new Counter({ name: 'wicket_authz_refusals_total', help: 'API calls refused by authorization, by reason', labelNames: ['reason'], registers: [registry] }),
    handled: new Counter({ name: 'wicket_grpc_server_handled_total', help: 'Finished gRPC calls by service, method and status code', labelNames: ['service', 'method', 'code'], registers: [registry] }),
    internalErrors: new Counter({ name: 'wicket_internal_errors_total', help: 'Unexpected errors caught at a boundary (a handler, a post-commit step, a timer, a stream event, the process) instead of ending the controller, by where', labelNames: ['where'], registers: [registry] }),
    tlsFailures: new Counter({ name: 'wicket_tls_handshake_failures_total', help: 'Failed TLS handshakes by listener and reason (no certificate, untrusted or expired certificate, not TLS, aborted, timeout, other)', labelNames: ['listener', 'reason'], registers: [registry] }),
    connectionsRefused: new Counter({ name: 'wicket_tls_connections_refused_total', help: 'Connections closed at accept because a limit was reached, by listener and reason (per_source, total)', labelNames: ['listener', 'reason'], registers: [registry] }),
    rateLimited: new Counter({ name: 'wicket_rate_limited_total', help: 'Requests refused by a per-source rate limit before any work, by method', labelNames: ['method'], registers: [registry] }),
  };
}
