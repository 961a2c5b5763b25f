// The gateway's side of the `Report` stream: keeps one stream open (moving through the
// controller list with the same backoff as Sync), sends every batch the buffer cuts, resends all unacked batches in
// order on each new stream, and drops a batch from the buffer only when the controller acks
// its sequence number. The controller stores a resent batch once (idempotent by seq).
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { TelemetryBatch, TelemetryBatch__Output } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { ReportAck__Output } from '../../proto/generated/wicket/v1/ReportAck.js';
import { grpcErrorMessage } from '../../common/grpc.js';
import type { Logger } from '../../common/log.js';
import type { FailoverBackoff } from '../../common/failover.js';
import { ReconnectLoop } from '../agent/reconnect.js';
import type { TelemetryBuffer } from './buffer.js';

export type ReportStream = ClientDuplexStream<TelemetryBatch, ReportAck__Output>;

export interface ReporterOptions {
  /** Opens a Report stream to controller number `controller` of the list. */
  open(controller: number): ReportStream;
  /** How many controllers the list has (default 1). */
  controllers?: number;
  buffer: TelemetryBuffer;
  log: Logger;
  backoff?: FailoverBackoff;
  /** Called after each ack (metrics). */
  onAck?: (seq: number) => void;
  onConnected?: (up: boolean) => void;
}

export class Reporter {
  private current: ReportStream | undefined;
  private readonly reconnect: ReconnectLoop;

  constructor(private readonly opts: ReporterOptions) {
    this.reconnect = new ReconnectLoop((controller) => this.runStream(controller), () => this.current?.cancel(), { controllers: opts.controllers, backoff: opts.backoff });
  }

  private get stopped(): boolean {
    return this.reconnect.stopped;
  }

  /** Starts the stream / reconnect loop (idempotent). A stream on which an ack arrived was healthy. */
  start(): void {
    this.reconnect.start();
  }

  /** Sends a freshly cut batch on the open stream (when there is none, the next stream resends it). */
  send(batch: TelemetryBatch__Output): void {
    this.current?.write(batch);
  }

  stop(): Promise<void> {
    return this.reconnect.stop();
  }

  /** One stream's life; resolves true when at least one ack arrived on it. */
  private runStream(controller: number): Promise<boolean> {
    const { buffer, log } = this.opts;
    const call = this.opts.open(controller);
    let acked = false;
    return new Promise((resolve) => {
      let done = false;
      const finish = (err?: unknown) => {
        if (done) return;
        done = true;
        if (this.current === call) this.current = undefined;
        this.opts.onConnected?.(false);
        if (err && !this.stopped) log.warn({ error: grpcErrorMessage(err) }, 'telemetry stream failed');
        call.cancel();
        resolve(acked);
      };
      call.on('data', (ack: ReportAck__Output) => {
        if (!acked) this.opts.onConnected?.(true);
        acked = true;
        if (buffer.ack(ack.seq)) this.opts.onAck?.(ack.seq);
      });
      call.on('error', finish);
      call.on('status', () => finish());
      call.on('end', () => finish());
      this.current = call;
      // Everything not yet acked, oldest first; batches cut from now on follow via send().
      for (const b of buffer.unacked()) call.write(b);
    });
  }
}
