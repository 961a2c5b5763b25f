// Persisted batch sequence numbers: a restarted agent must never reuse a number, or the
// controller (idempotent by gateway + seq) would take a new batch for a resend and drop it.
// Numbers are reserved in blocks written atomically to the state directory (temp file +
// rename, fsync'd), so the file is written once per block rather than once per batch; a
// restart skips what was left of the last block.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SeqSource } from './buffer.js';

export const SEQ_FILE = 'telemetry-seq';
const BLOCK = 1000;

export class PersistedSeq implements SeqSource {
  private nextSeq: number;
  private reservedUpTo: number;
  private readonly path: string;

  constructor(stateDir: string, private readonly block = BLOCK) {
    this.path = join(stateDir, SEQ_FILE);
    let stored = 0;
    try {
      const text = readFileSync(this.path, 'utf8').trim();
      stored = Number(text);
      if (!Number.isSafeInteger(stored) || stored < 0) throw new Error(`${this.path} does not hold a sequence number: ${JSON.stringify(text.slice(0, 40))}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.nextSeq = stored + 1;
    this.reservedUpTo = stored;
  }

  next(): number {
    if (this.nextSeq > this.reservedUpTo) this.reserve(this.nextSeq + this.block - 1);
    return this.nextSeq++;
  }

  private reserve(upTo: number): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${upTo}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.reservedUpTo = upTo;
  }
}
