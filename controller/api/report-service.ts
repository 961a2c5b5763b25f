// Gateway.Report (gateway certificates on the API port): each telemetry batch is validated,
// stored by the telemetry ingest and acked by its sequence number — also when it had been
// stored before (a resend after a lost ack), so the gateway can drop it from its buffer.
import type { GatewayHandlers } from '../../proto/generated/wicket/v1/Gateway.js';
import type { TelemetryBatch__Output } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { TelemetryIngest } from '../telemetry/ingest.js';
import type { ControllerContext } from './context.js';
import { toStatus } from './errors.js';
import { validate } from './validate.js';

export function reportService(ctx: ControllerContext, ingest: TelemetryIngest, onInvalid: () => void): Pick<GatewayHandlers, 'Report'> {
  return {
    Report: (call) => {
      let gateway: string;
      try {
        gateway = ctx.authorize(call, 'gateway').name;
      } catch (err) {
        call.emit('error', toStatus(err, ctx.log, 'Gateway.Report'));
        return;
      }
      let failed = false;
      call.on('data', (msg: TelemetryBatch__Output) => {
        if (failed) return;
        try {
          const batch = validate('TelemetryBatch', msg);
          ingest.ingest(gateway, batch);
          call.write({ seq: batch.seq });
        } catch (err) {
          // A batch that cannot be stored is not acked: the stream ends with the reason and
          // the gateway keeps the batch.
          failed = true;
          onInvalid();
          call.emit('error', toStatus(err, ctx.log, 'Gateway.Report'));
        }
      });
      call.on('end', () => call.end());
    },
  };
}
