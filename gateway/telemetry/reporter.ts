// The gateway's side of the `Report` stream: keeps one stream open (reconnecting with the
// same backoff as Sync), sends every batch the buffer cuts, resends all unacked batches in
// order on each new stream, and drops a batch from the buffer only when the controller acks
// its sequence number. The controller stores a resent batch once (idempotent by seq).
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { TelemetryBatch, TelemetryBatch__Output } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { ReportAck__Output } from '../../proto/generated/wicket/v1/ReportAck.js';
import { grpcErrorMessage } from '../../common/grpc.js';
import type { Logger } from '../../common/log.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '../agent/backoff.js';
import type { TelemetryBuffer } from './buffer.js';

export type ReportStream = ClientDuplexStream<TelemetryBatch, ReportAck__Output>;

export interface ReporterOptions {
  open(): ReportStream;
  buffer: TelemetryBuffer;
  log: Logger;
  backoff?: BackoffOptions;
  /** Called after each ack (metrics). */
  onAck?: (seq: number) => void;
  onConnected?: (up: boolean) => void;
}

export class Reporter {
  private current: ReportStream | undefined;
  private stopped = false;
  private readonly wake = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly opts: ReporterOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Sends a freshly cut batch on the open stream (when there is none, the next stream resends it). */
  send(batch: TelemetryBatch__Output): void {
    this.current?.write(batch);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.cancel();
    this.wake.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const acked = await this.runStream();
      if (this.stopped) break;
      if (acked) attempt = 0;
      const delayMs = backoffDelay(attempt, this.opts.backoff ?? DEFAULT_BACKOFF);
      attempt += 1;
      await sleep(delayMs, undefined, { signal: this.wake.signal }).catch(() => undefined);
    }
  }

  /** One stream's life; resolves true when at least one ack arrived on it. */
  private runStream(): Promise<boolean> {
    const { buffer, log } = this.opts;
    const call = this.opts.open();
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
