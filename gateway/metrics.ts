// Prometheus metrics of the gateway agent (own prom-client registry, so tests and several
// agents in one process never share counters), and the tiny HTTP server exposing /metrics.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ApplyKind = 'snapshot' | 'delta';

/** The agent's instruments; every field is registered in `registry`. */
export interface GatewayMetrics {
  registry: Registry;
  /** Sessions in the desired state last applied. */
  sessions: Gauge;
  /** WireGuard peers on the interface, read at scrape time (includes stale ones not yet removed). */
  peers: Gauge;
  /** Packets from the tunnel dropped by policy, summed over the tuples the kernel still records. */
  deniedPackets: Gauge;
  spoofedPackets: Gauge;
  /** The last sync version applied successfully. */
  appliedVersion: Gauge;
  /** Time from receiving a version to having it in the kernel, by kind. */
  applySeconds: Histogram<'kind'>;
  /** Versions that could not be applied (acked with an error), by kind. */
  applyErrors: Counter<'kind'>;
  /** Sessions left out of an applied version because they failed validation. */
  refusedSessions: Counter;
  /** 1 while a Sync stream is up (a snapshot has been received on it), else 0. */
  syncConnected: Gauge;
  /** Sync streams that ended and were retried. */
  reconnects: Counter;
  /** Deltas whose version did not follow the last applied one (each forces a resync). */
  versionGaps: Counter;
  /** Telemetry records held until acked (pending + in unacked batches). */
  telemetryBuffered: Gauge;
  /** Telemetry batches sent but not yet acked. */
  telemetryUnacked: Gauge;
  /** Telemetry records dropped because the buffer was full (also reported to the controller). */
  telemetryDropped: Counter;
  /** Telemetry batches cut. */
  telemetryBatches: Counter;
  /** Telemetry batches acked by the controller. */
  telemetryAcked: Counter;
  /** 1 while the Report stream is up (an ack arrived on it), else 0. */
  telemetryConnected: Gauge;
  /** Requests through the identity-aware proxy, by resource ('' for an unknown host or caller) and status class (2xx…, 0 when cut). */
  httpRequests: Counter<'resource' | 'status_class'>;
}

/** "2xx" for 204; "0" for a request that ended before any answer. */
export const statusClass = (status: number): string => (status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : '0');

/** Reads of the live system, made when Prometheus scrapes (one `wg` / `nft` call each). */
export interface SystemReaders {
  peers(): Promise<number>;
  deniedPackets(): Promise<number>;
  spoofedPackets(): Promise<number>;
}

/** A gauge whose value is read at scrape time; a failed read leaves the last value. */
function readGauge(name: string, help: string, registers: Registry[], read: (() => Promise<number>) | undefined): Gauge {
  return new Gauge({
    name, help, registers,
    async collect() {
      if (!read) return;
      try {
        this.set(await read());
      } catch {
        // The interface or table may be gone (teardown, not started yet): keep the last value.
      }
    },
  });
}

/** Creates the gateway's registry and instruments (process metrics included when asked). */
export function createGatewayMetrics(options: { processMetrics?: boolean; readers?: SystemReaders } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    sessions: new Gauge({ name: 'wicket_gateway_sessions', help: 'Sessions in force after the last apply', registers }),
    peers: readGauge('wicket_gateway_peers', 'WireGuard peers on the interface', registers, options.readers?.peers),
    deniedPackets: readGauge('wicket_gateway_denied_packets', 'Packets from the tunnel dropped by policy (tuples still recorded)', registers, options.readers?.deniedPackets),
    spoofedPackets: readGauge('wicket_gateway_spoofed_packets', 'Packets dropped for an overlay source that did not come out of the tunnel (since the table was made)',
      registers, options.readers?.spoofedPackets),
    appliedVersion: new Gauge({ name: 'wicket_gateway_applied_version', help: 'Last sync version applied', registers }),
    applySeconds: new Histogram({
      name: 'wicket_gateway_apply_seconds',
      help: 'Time to apply one sync version to the data plane',
      labelNames: ['kind'],
      // Deltas are expected in milliseconds, 10k-session snapshots in about a second.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
    applyErrors: new Counter({ name: 'wicket_gateway_apply_errors_total', help: 'Sync versions that failed to apply', labelNames: ['kind'], registers }),
    refusedSessions: new Counter({ name: 'wicket_gateway_refused_sessions_total', help: 'Sessions refused by validation (not enforced)', registers }),
    syncConnected: new Gauge({ name: 'wicket_gateway_sync_connected', help: '1 while the Sync stream to the controller is up', registers }),
    reconnects: new Counter({ name: 'wicket_gateway_sync_reconnects_total', help: 'Sync stream reconnect attempts', registers }),
    versionGaps: new Counter({ name: 'wicket_gateway_sync_version_gaps_total', help: 'Out-of-order deltas that forced a resync', registers }),
    telemetryBuffered: new Gauge({ name: 'wicket_gateway_telemetry_buffered_records', help: 'Telemetry records held until the controller acks them', registers }),
    telemetryUnacked: new Gauge({ name: 'wicket_gateway_telemetry_unacked_batches', help: 'Telemetry batches sent and not yet acked', registers }),
    telemetryDropped: new Counter({ name: 'wicket_gateway_telemetry_dropped_records_total', help: 'Telemetry records dropped because the buffer was full', registers }),
    telemetryBatches: new Counter({ name: 'wicket_gateway_telemetry_batches_total', help: 'Telemetry batches cut', registers }),
    telemetryAcked: new Counter({ name: 'wicket_gateway_telemetry_acked_batches_total', help: 'Telemetry batches acked by the controller', registers }),
    telemetryConnected: new Gauge({ name: 'wicket_gateway_telemetry_connected', help: '1 while the Report stream to the controller is up', registers }),
    httpRequests: new Counter({ name: 'wicket_gateway_http_requests_total', help: 'Requests through the identity-aware proxy', labelNames: ['resource', 'status_class'], registers }),
  };
}

/** Serves `registry` at GET /metrics on host:port; resolves once listening. */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}
