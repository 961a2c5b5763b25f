// The gateway's telemetry buffer: records wait here until a batch carrying them is acked by
// the controller. It holds at most `capacity` records (pending + in unacked batches); what
// does not fit is counted, and the count travels in the next batch's `dropped_records`, so
// loss is never silent. Batches get strictly increasing sequence numbers from a SeqSource
// (persisted, see seq.ts) and are resent in order until acked. Pure apart from the SeqSource.
import type { TelemetryBatch__Output as TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';

export type RecordKind = 'peers' | 'counters' | 'denied' | 'flows' | 'httpRequests';
type Records = { [K in RecordKind]: TelemetryBatch[K] };

export interface SeqSource {
  next(): number;
}

/** Records in a batch (what counts against the capacity). */
export const recordCount = (b: Pick<TelemetryBatch, RecordKind>): number => b.peers.length + b.counters.length + b.denied.length + b.flows.length + b.httpRequests.length;

const KINDS: RecordKind[] = ['peers', 'counters', 'denied', 'flows', 'httpRequests'];

const empty = (): Records => ({ peers: [], counters: [], denied: [], flows: [], httpRequests: [] });

export class TelemetryBuffer {
  private pending: Records = empty();
  private pendingCount = 0;
  private readonly batches: TelemetryBatch[] = [];
  private batchedCount = 0;
  /** Dropped since the last batch was cut. */
  private droppedSinceCut = 0;
  /** Dropped since start (for metrics). */
  droppedTotal = 0;

  /**
   * @param capacity records held at most (pending + unacked)
   * @param maxBatchRecords records per batch at most (keeps each message well under gRPC's size limit)
   */
  constructor(private readonly capacity: number, private readonly seq: SeqSource, private readonly maxBatchRecords = 50_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`telemetry buffer capacity must be a positive integer, got ${capacity}`);
  }

  /** Records held (pending and in unacked batches). */
  get size(): number {
    return this.pendingCount + this.batchedCount;
  }

  /** Adds records of one kind; those beyond the capacity are dropped and counted. Returns how many were kept. */
  add<K extends RecordKind>(kind: K, records: readonly Records[K][number][]): number {
    const room = Math.max(0, this.capacity - this.size);
    const kept = records.slice(0, room);
    (this.pending[kind] as Records[K][number][]).push(...kept);
    this.pendingCount += kept.length;
    this.countDropped(records.length - kept.length);
    return kept.length;
  }

  /** Counts records lost before reaching the buffer (e.g. flows the tracker could not follow). */
  countDropped(n: number): void {
    this.droppedSinceCut += n;
    this.droppedTotal += n;
  }

  /**
   * Makes a batch of everything pending, or returns undefined when there is nothing to say
   * and batches are still waiting for acks (an empty batch is still cut when nothing is
   * outstanding: it tells the controller the gateway is alive).
   */
  cut(collectedAtMs: number): TelemetryBatch | undefined {
    if (this.pendingCount === 0 && this.droppedSinceCut === 0 && this.batches.length > 0) return undefined;
    // Take at most `maxBatchRecords`, kind by kind; the rest waits for the next cut.
    const taken = empty();
    let room = this.maxBatchRecords;
    for (const kind of KINDS) {
      const list = this.pending[kind] as unknown[];
      const n = Math.min(room, list.length);
      (taken[kind] as unknown[]) = list.splice(0, n);
      room -= n;
    }
    const n = recordCount(taken);
    const batch: TelemetryBatch = { seq: this.seq.next(), collectedAtMs, ...taken, droppedRecords: this.droppedSinceCut };
    this.batches.push(batch);
    this.batchedCount += n;
    this.pendingCount -= n;
    this.droppedSinceCut = 0;
    return batch;
  }

  /** Batches not yet acked, oldest first (what a new stream resends). */
  unacked(): readonly TelemetryBatch[] {
    return this.batches;
  }

  /** Drops the batch with this sequence number (and any older one); false when none matched. */
  ack(seq: number): boolean {
    let n = 0;
    while (n < this.batches.length && this.batches[n].seq <= seq) n += 1;
    if (n === 0) return false;
    for (const b of this.batches.splice(0, n)) this.batchedCount -= recordCount(b);
    return true;
  }
}
