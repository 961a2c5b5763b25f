// Controller ingest of one telemetry batch: drops (and counts) the records about sessions
// the reporting gateway does not serve, stores the rest (one transaction, idempotent by
// gateway + seq), records the gateway's report time, updates metrics, and runs the
// detections on what was new — a probing session is revoked at once through the same path
// as an admin revoke; an endpoint jump raises a security event (and revokes if configured).
// Metrics, detections and revocations act only once the batch is committed: on PostgreSQL
// the transaction's body may run more than once.
import type { TelemetryBatch__Output as TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { Audit } from '../audit/audit.js';
import type { Logger } from '../../common/log.js';
import type { Store } from '../store/store.js';
import type { IngestResult } from './telemetry-store.js';
import { keepServed, sessionIdsOf } from './served.js';
import { ProbeDetector, suspiciousEndpointChange, type EndpointSettings, type ProbeSettings } from './detect.js';
import type { TelemetryMetrics } from './metrics.js';
import { formatDuration } from '../../common/duration.js';

export interface DetectionSettings {
  probe: ProbeSettings & { revoke: boolean };
  endpoint: EndpointSettings & { revoke: boolean };
}

export interface IngestDeps {
  store: Store;
  audit: Audit;
  log: Logger;
  metrics: TelemetryMetrics;
  /** Revokes a session as an admin revoke would (undefined: the session layer is not running). */
  revoke: (sessionId: string, reason: string) => Promise<void> | void;
  detections: DetectionSettings;
  now: () => number;
}

export class TelemetryIngest {
  private readonly probes: ProbeDetector;

  constructor(private readonly deps: IngestDeps) {
    this.probes = new ProbeDetector(deps.detections.probe);
  }

  /** Stores a validated batch from `gateway` and reacts to it; returns what the store did. */
  async ingest(gateway: string, reported: TelemetryBatch): Promise<IngestResult> {
    const { store, metrics } = this.deps;
    const now = this.deps.now();
    const { batch, foreign } = keepServed(reported, await store.sessions.servedBy(gateway, sessionIdsOf(reported)));
    if (foreign > 0) {
      metrics.foreignRecords.inc({ gateway }, foreign);
      this.deps.log.warn({ gateway, seq: batch.seq, foreign }, 'gateway reported sessions it does not serve; those records were dropped');
    }
    const result = await store.transaction((tx) => tx.telemetry.ingest(gateway, batch, now), { concurrent: true });
    // Outside the batch's transaction: the gateway's row is written by its Sync acks too, and
    // a conflict there must not make PostgreSQL run the whole batch again.
    await store.gateways.recordReport(gateway, now);
    if (!result.stored) {
      metrics.batches.inc({ result: 'duplicate' });
      return result;
    }
    metrics.batches.inc({ result: 'stored' });
    for (const kind of ['peers', 'counters', 'denied', 'flows', 'httpRequests'] as const) {
      if (batch[kind].length) metrics.records.inc({ kind: kind === 'httpRequests' ? 'http_requests' : kind }, batch[kind].length);
    }
    if (batch.droppedRecords > 0) {
      metrics.droppedAtGateway.inc({ gateway }, batch.droppedRecords);
      this.deps.log.warn({ gateway, seq: batch.seq, dropped: batch.droppedRecords }, 'gateway dropped telemetry records (buffer full)');
    }
    metrics.lagSeconds.observe(Math.max(0, now - batch.collectedAtMs) / 1000);
    await this.react(gateway, result, now);
    return result;
  }

  private async react(gateway: string, r: IngestResult, now: number): Promise<void> {
    const { probe, endpoint } = this.deps.detections;
    for (const d of r.denied) {
      this.deps.metrics.deniedAttempts.inc(d.attempts);
      const total = this.probes.record(d.sessionId, d.attempts, d.atMs, now);
      if (total === undefined) continue;
      const reason = `probing: ${total} denied attempts within ${formatDuration(probe.windowMs)} (threshold ${probe.threshold})`;
      await this.securityEvent('security.probe', d.sessionId, { gateway, attempts: total, windowMs: probe.windowMs, threshold: probe.threshold, revoke: probe.revoke, reason });
      if (probe.revoke) await this.revoke(d.sessionId, reason);
    }
    for (const c of r.endpointChanges) {
      if (!suspiciousEndpointChange(c, endpoint)) continue;
      const reason = `endpoint moved from ${c.from} to ${c.to} within ${formatDuration(c.atMs - c.previousAtMs)}`;
      await this.securityEvent('security.endpoint_change', c.sessionId, { gateway, from: c.from, to: c.to, revoke: endpoint.revoke, reason });
      if (endpoint.revoke) await this.revoke(c.sessionId, reason);
    }
    this.probes.expire(now);
  }

  /** One audit record per security event (the JSON-lines sink copies it for the SIEM). */
  async securityEvent(action: string, target: string, details: Record<string, unknown>): Promise<void> {
    const { store, audit } = this.deps;
    const session = await store.sessions.get(target);
    await audit.append(store, { actor: 'system', action, target, details: { ...details, user: session?.user ?? '', device: session?.deviceId ?? '' } });
    this.deps.metrics.securityEvents.inc({ kind: action.slice('security.'.length) });
    this.deps.log.warn({ event: action, session: target, ...details }, 'security event');
  }

  private async revoke(sessionId: string, reason: string): Promise<void> {
    try {
      await this.deps.revoke(sessionId, reason);
    } catch (err) {
      // Already ended (or unknown): the event is recorded; nothing left to cut.
      this.deps.log.info({ session: sessionId, err: (err as Error).message }, 'automated revoke not applied');
    }
  }
}
