// Resource limits of the controller's two listeners, as settings with defaults: what an
// unauthenticated caller (auth port) or a certificate holder (API port) can hold open. grpc-js
// and node:tls bound none of these by default.
import type * as grpc from '@grpc/grpc-js';
import type { ConnectionLimits } from './tls-listener.js';

export interface ListenerLimits extends ConnectionLimits {
  /** An HTTP/2 connection without a call for this long is closed. */
  idleTimeoutMs: number;
  /** Calls a connection may have open at once (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS). */
  maxConcurrentStreams: number;
  /** The controller pings a connection silent for this long, and closes it when the ping is not answered in keepaliveTimeoutMs. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

export interface LimitSettings { auth: ListenerLimits; api: ListenerLimits }

/**
 * The auth port serves short unary calls to anyone: few connections per source, short
 * timeouts. The API port serves long streams (Sync, Report, Connect) to certificate
 * holders, many of whom may share one NAT address: more of both.
 */
export const DEFAULT_LIMITS: LimitSettings = {
  auth: {
    maxConnectionsPerSource: 32, maxConnections: 2048, handshakeTimeoutMs: 10_000,
    idleTimeoutMs: 60_000, maxConcurrentStreams: 16, keepaliveTimeMs: 30_000, keepaliveTimeoutMs: 20_000,
  },
  api: {
    maxConnectionsPerSource: 1024, maxConnections: 32_768, handshakeTimeoutMs: 10_000,
    idleTimeoutMs: 600_000, maxConcurrentStreams: 128, keepaliveTimeMs: 60_000, keepaliveTimeoutMs: 20_000,
  },
};

/** The settings with the defaults filled in. */
export function limitSettings(given: { auth?: Partial<ListenerLimits>; api?: Partial<ListenerLimits> } = {}): LimitSettings {
  return { auth: { ...DEFAULT_LIMITS.auth, ...given.auth }, api: { ...DEFAULT_LIMITS.api, ...given.api } };
}

/** The grpc-js server options that carry the HTTP/2 part of the limits. */
export function grpcLimitOptions(l: ListenerLimits): grpc.ServerOptions {
  return {
    'grpc.max_connection_idle_ms': l.idleTimeoutMs,
    'grpc.max_concurrent_streams': l.maxConcurrentStreams,
    'grpc.keepalive_time_ms': l.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': l.keepaliveTimeoutMs,
  };
}
