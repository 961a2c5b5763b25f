// Gateway.Report (gateway certificates on the API port): each telemetry batch is validated,
// stored by the telemetry ingest and acked by its sequence number — also when it had been
// stored before (a resend after a lost ack), so the gateway can drop it from its buffer.
// A gateway's input is bounded: records per batch (a larger batch ends the stream), and
// records per second per gateway (a token bucket: past it the stream is paused, so HTTP/2
// flow control pushes back on the gateway and nothing is lost). Retiring the certificate
// (re-enrollment) ends the stream at once.
import type { GatewayHandlers } from '../../proto/generated/wicket/v1/Gateway.js';
import type { TelemetryBatch__Output } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { TelemetryIngest } from './ingest.js';
import { duplex, type HandlerDeps } from '../api/handler.js';
import type { GatewayStreams } from '../api/gateway-streams.js';
import { toStatus } from '../api/errors.js';
import { invalidArgument, permissionDenied, resourceExhausted } from '../errors.js';
import { TokenBuckets } from '../throttle/token-buckets.js';

export interface ReportLimits {
  /** Records one batch may hold, all kinds together (the gateway cuts batches of at most 50,000). */
  maxBatchRecords: number;
  /** Records per second a gateway may report, sustained. */
  recordsPerSecond: number;
  /** Records a gateway may report at once (a resend of its buffer after an outage). */
  burstRecords: number;
}

export const DEFAULT_REPORT_LIMITS: ReportLimits = { maxBatchRecords: 200_000, recordsPerSecond: 200_000, burstRecords: 1_000_000 };

/** Batches read but not yet stored, per stream, beyond which the stream ends (the stream is paused long before). */
const MAX_QUEUED = 16;
/** What an empty batch costs: a transaction and an ack, so a flood of them is rated too. */
const BATCH_COST = 100;

const recordsOf = (b: TelemetryBatch__Output) => b.peers.length + b.counters.length + b.denied.length + b.flows.length + b.httpRequests.length;

export interface ReportDeps extends HandlerDeps {
  gatewayStreams: GatewayStreams;
  now: () => number;
}

export function reportService(ctx: ReportDeps, ingest: TelemetryIngest, metrics: { onInvalid: () => void; onThrottled: (gateway: string) => void },
  limits: ReportLimits = DEFAULT_REPORT_LIMITS): Pick<GatewayHandlers, 'Report'> {
  const rate = new TokenBuckets(limits.burstRecords, limits.recordsPerSecond);
  return {
    Report: duplex(ctx.log, { method: 'Gateway.Report', caller: (call) => ctx.authorize(call, 'gateway'), request: 'TelemetryBatch' }, ({ name: gateway, serial }, call) => {
      let failed = false;
      const queue: TelemetryBatch__Output[] = [];
      let timer: NodeJS.Timeout | undefined;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        unregister();
        clearTimeout(timer);
        queue.length = 0;
        call.emit('error', toStatus(err, ctx.log, 'Gateway.Report'));
      };
      const unregister = ctx.gatewayStreams.add(gateway, serial, 'report', (message) => fail(permissionDenied(message)));

      /**
       * Stores queued batches in order, one at a time, while the gateway's rate allows;
       * otherwise pauses the stream until it does. The stream is also paused while a batch
       * is being stored, so batches wait in HTTP/2 flow control rather than in this queue.
       */
      let draining = false;
      /** The gateway half-closed (or cancelled): no batch is read any more, the one being stored is still acked. */
      let ending = false;
      let cancelled = false;
      const drain = async () => {
        timer = undefined;
        if (draining) return;
        draining = true;
        try {
          while (queue.length > 0 && !failed) {
            const batch = queue[0]!;
            const waitMs = rate.take(gateway, recordsOf(batch) + BATCH_COST, ctx.now());
            if (waitMs > 0) {
              metrics.onThrottled(gateway);
              call.pause();
              timer = setTimeout(kick, waitMs);
              return;
            }
            queue.shift();
            call.pause();
            try {
              await ingest.ingest(gateway, batch);
              if (!failed && !cancelled) call.write({ seq: batch.seq });
            } catch (err) {
              // A batch that cannot be stored is not acked: the stream ends with the reason and
              // the gateway keeps the batch.
              metrics.onInvalid();
              fail(err);
            }
          }
          if (!failed) call.resume();
        } finally {
          draining = false;
          if (ending && !cancelled) call.end();
        }
      };
      const kick = () => void drain().catch(fail);

      /** A batch refused (invalid, too large, too many in flight) ends the stream; the gateway keeps it. */
      const refuse = (err: unknown) => {
        if (failed) return;
        metrics.onInvalid();
        fail(err);
      };
      call.on('end', () => {
        unregister();
        clearTimeout(timer);
        queue.length = 0;
        ending = true;
        if (!draining) call.end();
      });
      call.on('cancelled', () => {
        unregister();
        clearTimeout(timer);
        queue.length = 0;
        cancelled = true;
      });
      call.on('error', unregister);

      return {
        invalid: refuse,
        message: (batch) => {
          if (failed) return;
          if (recordsOf(batch) > limits.maxBatchRecords) return refuse(invalidArgument(`a batch holds at most ${limits.maxBatchRecords} records`));
          if (queue.length >= MAX_QUEUED) return refuse(resourceExhausted('too many batches in flight; wait for acks'));
          queue.push(batch);
          if (!timer) kick();
        },
      };
    }),
  };
}
