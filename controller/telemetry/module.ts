// Wires telemetry into a running controller: the Gateway.Report handler and its ingest with
// detections (which revoke through controller/revocation/), Admin.ListFlows,
// periodic retention, the audit follower (decision and session-end metrics, posture-failure
// security events) and the telemetry metrics.
import type { ServiceSet } from '../api/server.js';
import type { Audit } from '../audit/audit.js';
import type { Revocation } from '../revocation/revocation.js';
import type { RetentionLimits } from './telemetry-store.js';
import { DEFAULT_REPORT_LIMITS, reportService, type ReportDeps, type ReportLimits } from './report-handlers.js';
import { flowsAdmin, type FlowsAdminDeps } from './admin-handlers.js';
import { AuditFollower } from './audit-follow.js';
import { TelemetryIngest, type DetectionSettings } from './ingest.js';
import { createTelemetryMetrics, type TelemetryMetricsDeps } from './metrics.js';

export interface TelemetrySettings {
  retention: RetentionLimits;
  /** How often retention runs. */
  pruneIntervalMs: number;
  detections: DetectionSettings;
  /** How often the audit trail is followed for decisions, session ends and posture failures. */
  auditPollMs: number;
  /** Bounds on what one gateway may report. */
  limits: ReportLimits;
}

export const DEFAULT_TELEMETRY_SETTINGS: TelemetrySettings = {
  retention: { maxAgeMs: 7 * 86_400_000, maxRows: 1_000_000 },
  pruneIntervalMs: 60_000,
  detections: {
    probe: { threshold: 20, windowMs: 10_000, revoke: true },
    endpoint: { windowMs: 5 * 60_000, revoke: false },
  },
  auditPollMs: 1000,
  limits: DEFAULT_REPORT_LIMITS,
};

const AUDIT_PAGE = 1000;

/** What telemetry is wired from: what its handlers and metrics need, the audit trail it follows, and the revocation a detection goes through. */
export interface TelemetryModuleDeps extends ReportDeps, FlowsAdminDeps, TelemetryMetricsDeps {
  audit: Audit;
  revocation: Pick<Revocation, 'revokeSession'>;
}

export function telemetryModule(overrides: Partial<TelemetrySettings> = {}): (ctx: TelemetryModuleDeps) => Promise<ServiceSet & { close: () => void }> {
  const settings: TelemetrySettings = { ...DEFAULT_TELEMETRY_SETTINGS, ...overrides };
  return async (ctx) => {
    const auditEnd = (await ctx.audit.list(0, 1, '', { newestFirst: true }))[0]?.id ?? 0;
    const log = ctx.log.child({ module: 'telemetry' });
    const metrics = createTelemetryMetrics(ctx);
    const ingest = new TelemetryIngest({
      store: ctx.store, audit: ctx.audit, log, metrics, detections: settings.detections, now: ctx.now,
      revoke: (id, reason) => ctx.revocation.revokeSession(id, reason, 'system'),
    });

    // A run that has not finished when the next is due is not started twice.
    let pruning = false;
    const prune = async () => {
      if (pruning) return;
      pruning = true;
      try {
        const n = await ctx.store.telemetry.prune(settings.retention, ctx.now());
        if (n > 0) log.info({ deleted: n }, 'telemetry retention');
      } catch (err) {
        log.error({ err }, 'telemetry retention failed');
      } finally {
        pruning = false;
      }
    };
    const pruneTimer = setInterval(() => void prune(), settings.pruneIntervalMs);
    pruneTimer.unref();

    // The audit trail is followed from its end as it is before anything starts: history is
    // not counted again; every record appended from now on is.
    const follower = new AuditFollower();
    let lastId = auditEnd;
    let following = false;
    const follow = async () => {
      if (following) return;
      following = true;
      try {
        for (let page = await ctx.audit.list(lastId, AUDIT_PAGE); page.length > 0; page = await ctx.audit.list(lastId, AUDIT_PAGE)) {
          for (const r of page) {
            lastId = r.id;
            const o = follower.observe(r);
            if (o?.kind === 'decision') metrics.decisions.inc({ result: o.result });
            else if (o?.kind === 'end') metrics.sessionEnds.inc({ how: o.how });
            else if (o?.kind === 'posture') {
              await ingest.securityEvent('security.posture', o.sessionId, { lostGrants: o.lostGrants, reason: `posture no longer satisfies ${o.lostGrants.join(', ')}` });
            }
          }
        }
      } catch (err) {
        log.error({ err }, 'following the audit trail failed');
      } finally {
        following = false;
      }
    };
    void follow();
    const auditTimer = setInterval(() => void follow(), settings.auditPollMs);
    auditTimer.unref();

    return {
      gateway: reportService(ctx, ingest, {
        onInvalid: () => metrics.batches.inc({ result: 'invalid' }),
        onThrottled: (gateway) => metrics.throttled.inc({ gateway }),
      }, settings.limits),
      adminExtras: [flowsAdmin(ctx)],
      close: () => {
        clearInterval(pruneTimer);
        clearInterval(auditTimer);
      },
    };
  };
}
