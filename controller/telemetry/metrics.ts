// The telemetry module's Prometheus instruments, registered in the controller's registry:
// telemetry ingest and lag, denied attempts, security events, decisions and session ends
// (followed from the audit trail), and gauges read from the store at scrape time.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Store } from '../store/store.js';

export interface TelemetryMetrics {
  batches: Counter<'result'>;
  records: Counter<'kind'>;
  droppedAtGateway: Counter<'gateway'>;
  /** Records about sessions the reporting gateway does not serve (dropped). */
  foreignRecords: Counter<'gateway'>;
  /** Batches held back because the gateway reported faster than its rate. */
  throttled: Counter<'gateway'>;
  lagSeconds: Histogram;
  deniedAttempts: Counter;
  securityEvents: Counter<'kind'>;
  decisions: Counter<'result'>;
  sessionEnds: Counter<'how'>;
}

/** The registry the instruments join and the store the gauges read. */
export interface TelemetryMetricsDeps {
  metrics: { registry: Registry };
  store: Store;
}

export function createTelemetryMetrics(ctx: TelemetryMetricsDeps): TelemetryMetrics {
  const registers = [ctx.metrics.registry];
  new Gauge({
    name: 'wicket_sessions_active', help: 'Active sessions', registers,
    async collect() { this.set((await ctx.store.sessions.active()).length); },
  });
  new Gauge({
    name: 'wicket_gateways_connected', help: 'Gateways with a Sync stream up', registers,
    async collect() { this.set((await ctx.store.gateways.list()).filter((g) => g.connected).length); },
  });
  return {
    batches: new Counter({ name: 'wicket_telemetry_batches_total', help: 'Telemetry batches received, by result (stored, duplicate, invalid)', labelNames: ['result'], registers }),
    records: new Counter({ name: 'wicket_telemetry_records_total', help: 'Telemetry records stored, by kind', labelNames: ['kind'], registers }),
    droppedAtGateway: new Counter({ name: 'wicket_telemetry_gateway_dropped_records_total', help: 'Records gateways reported dropped (buffer full)', labelNames: ['gateway'], registers }),
    foreignRecords: new Counter({
      name: 'wicket_telemetry_foreign_records_total', help: 'Telemetry records about sessions the reporting gateway does not serve, dropped', labelNames: ['gateway'], registers,
    }),
    throttled: new Counter({
      name: 'wicket_telemetry_throttled_total', help: 'Telemetry batches held back because the gateway reported faster than its rate', labelNames: ['gateway'], registers,
    }),
    lagSeconds: new Histogram({
      name: 'wicket_telemetry_lag_seconds', help: 'From collection at the gateway to storage at the controller', registers,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
    }),
    deniedAttempts: new Counter({ name: 'wicket_denied_attempts_total', help: 'Packets from the tunnel and requests through the HTTP proxies denied by policy, as reported by gateways', registers }),
    securityEvents: new Counter({ name: 'wicket_security_events_total', help: 'Security events raised by detections, by kind', labelNames: ['kind'], registers }),
    decisions: new Counter({ name: 'wicket_decisions_total', help: 'Session access decisions, by result (allow, deny)', labelNames: ['result'], registers }),
    sessionEnds: new Counter({ name: 'wicket_session_ends_total', help: 'Sessions ended, by how (revoke, expire, disconnect)', labelNames: ['how'], registers }),
  };
}
