// The Report stream's request deserializer: reads a TelemetryBatch straight from the protobuf
// wire format into the plain objects the generic deserializer produces (proto/load.ts's
// options: camelCase fields, 64-bit integers as numbers, defaults filled in, lists always
// present). The generic path decodes every record into a message object, with a Long per
// 64-bit field, and then copies it into a plain one; at hundreds of thousands of records a
// second that garbage dominated ingest (docs/performance.md). The wire contract is the
// proto's; a field this file does not know is skipped, as any protobuf reader does. Malformed
// input throws, and grpc-js answers the call with an error status instead of a batch.
// A field added to these messages in the proto must be added here too: batch-decoder.test.ts
// compares with the generic deserializer, whose defaults name every field, so it fails until
// it is.
import type { TelemetryBatch__Output as TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { FlowRecord__Output as FlowRecord } from '../../proto/generated/wicket/v1/FlowRecord.js';
import type { DeniedAttempt__Output as DeniedAttempt } from '../../proto/generated/wicket/v1/DeniedAttempt.js';
import type { PeerStat__Output as PeerStat } from '../../proto/generated/wicket/v1/PeerStat.js';
import type { RuleCounter__Output as RuleCounter } from '../../proto/generated/wicket/v1/RuleCounter.js';
import type { HttpRequestRecord__Output as HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/**
 * Node's Buffer has this (undocumented, what protobufjs reads strings with too): without the
 * argument handling of `toString`, which cost as much as the rest of decoding a record.
 */
type NodeBuffer = Buffer & { utf8Slice(start: number, end: number): string };

/** A cursor over one buffer; every read checks the bounds of the message it is in. */
class Reader {
  pos = 0;
  constructor(readonly buf: NodeBuffer) {}

  /** A varint's low 32 bits (unsigned), the rest kept in `high` for int64 fields. */
  high = 0;

  varint(end: number): number {
    const buf = this.buf;
    let lo = 0;
    let shift = 0;
    this.high = 0;
    // The low 28 bits take four bytes, the 32nd bit arrives in the fifth.
    for (; shift < 28; shift += 7) {
      if (this.pos >= end) throw new Error('truncated varint');
      const b = buf[this.pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return lo >>> 0;
    }
    if (this.pos >= end) throw new Error('truncated varint');
    let b = buf[this.pos++]!;
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >> 4;
    if (b < 0x80) {
      this.high = hi;
      return lo >>> 0;
    }
    for (shift = 3; shift < 32; shift += 7) {
      if (this.pos >= end) throw new Error('truncated varint');
      b = buf[this.pos++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.high = hi | 0;
        return lo >>> 0;
      }
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** An int64 as a number, as Long.toNumber gives it (the high word signed). */
  int64(end: number): number {
    const lo = this.varint(end);
    return this.high * 4294967296 + lo;
  }

  /** An int32: the varint's low 32 bits, signed. */
  int32(end: number): number {
    return this.varint(end) | 0;
  }

  /** The end of a length-delimited field that starts here. */
  delimited(end: number): number {
    const length = this.varint(end);
    if (this.high !== 0 || length > end - this.pos) throw new Error('length beyond the message');
    return this.pos + length;
  }

  string(end: number): string {
    const stop = this.delimited(end);
    const s = this.buf.utf8Slice(this.pos, stop);
    this.pos = stop;
    return s;
  }

  /** Skips a field of wire type `type`. */
  skip(type: number, end: number): void {
    if (type === VARINT) this.varint(end);
    else if (type === FIXED64) this.advance(8, end);
    else if (type === LENGTH_DELIMITED) this.pos = this.delimited(end);
    else if (type === FIXED32) this.advance(4, end);
    else throw new Error(`wire type ${type} not supported`);
  }

  private advance(n: number, end: number): void {
    if (end - this.pos < n) throw new Error('truncated field');
    this.pos += n;
  }
}

/** Throws when a known field arrives with another wire type than the proto gives it. */
function expect(key: number, wanted: number): void {
  if ((key & 7) !== wanted) throw new Error(`field ${key >>> 3} has wire type ${key & 7}, expected ${wanted}`);
}

function peer(r: Reader, end: number): PeerStat {
  const p: PeerStat = { sessionId: '', endpoint: '', lastHandshakeMs: 0, rxBytes: 0, txBytes: 0 };
  while (r.pos < end) {
    const key = r.varint(end);
    switch (key >>> 3) {
      case 1: expect(key, LENGTH_DELIMITED); p.sessionId = r.string(end); break;
      case 2: expect(key, LENGTH_DELIMITED); p.endpoint = r.string(end); break;
      case 3: expect(key, VARINT); p.lastHandshakeMs = r.int64(end); break;
      case 4: expect(key, VARINT); p.rxBytes = r.int64(end); break;
      case 5: expect(key, VARINT); p.txBytes = r.int64(end); break;
      default: r.skip(key & 7, end);
    }
  }
  return p;
}

function counter(r: Reader, end: number): RuleCounter {
  const c: RuleCounter = { sessionId: '', destination: '', protocol: '', portFrom: 0, portTo: 0, packets: 0, bytes: 0 };
  while (r.pos < end) {
    const key = r.varint(end);
    switch (key >>> 3) {
      case 1: expect(key, LENGTH_DELIMITED); c.sessionId = r.string(end); break;
      case 2: expect(key, LENGTH_DELIMITED); c.destination = r.string(end); break;
      case 3: expect(key, LENGTH_DELIMITED); c.protocol = r.string(end); break;
      case 4: expect(key, VARINT); c.portFrom = r.int32(end); break;
      case 5: expect(key, VARINT); c.portTo = r.int32(end); break;
      case 6: expect(key, VARINT); c.packets = r.int64(end); break;
      case 7: expect(key, VARINT); c.bytes = r.int64(end); break;
      default: r.skip(key & 7, end);
    }
  }
  return c;
}

function denied(r: Reader, end: number): DeniedAttempt {
  const d: DeniedAttempt = { sessionId: '', source: '', destination: '', protocol: '', port: 0, count: 0, firstSeenMs: 0, lastSeenMs: 0 };
  while (r.pos < end) {
    const key = r.varint(end);
    switch (key >>> 3) {
      case 1: expect(key, LENGTH_DELIMITED); d.sessionId = r.string(end); break;
      case 2: expect(key, LENGTH_DELIMITED); d.source = r.string(end); break;
      case 3: expect(key, LENGTH_DELIMITED); d.destination = r.string(end); break;
      case 4: expect(key, LENGTH_DELIMITED); d.protocol = r.string(end); break;
      case 5: expect(key, VARINT); d.port = r.int32(end); break;
      case 6: expect(key, VARINT); d.count = r.int64(end); break;
      case 7: expect(key, VARINT); d.firstSeenMs = r.int64(end); break;
      case 8: expect(key, VARINT); d.lastSeenMs = r.int64(end); break;
      default: r.skip(key & 7, end);
    }
  }
  return d;
}

function flow(r: Reader, end: number): FlowRecord {
  const f: FlowRecord = { sessionId: '', source: '', destination: '', protocol: '', port: 0, startedAtMs: 0, endedAtMs: 0, bytesOut: 0, bytesIn: 0 };
  while (r.pos < end) {
    const key = r.varint(end);
    switch (key >>> 3) {
      case 1: expect(key, LENGTH_DELIMITED); f.sessionId = r.string(end); break;
      case 2: expect(key, LENGTH_DELIMITED); f.source = r.string(end); break;
      case 3: expect(key, LENGTH_DELIMITED); f.destination = r.string(end); break;
      case 4: expect(key, LENGTH_DELIMITED); f.protocol = r.string(end); break;
      case 5: expect(key, VARINT); f.port = r.int32(end); break;
      case 6: expect(key, VARINT); f.startedAtMs = r.int64(end); break;
      case 7: expect(key, VARINT); f.endedAtMs = r.int64(end); break;
      case 8: expect(key, VARINT); f.bytesOut = r.int64(end); break;
      case 9: expect(key, VARINT); f.bytesIn = r.int64(end); break;
      default: r.skip(key & 7, end);
    }
  }
  return f;
}

function httpRequest(r: Reader, end: number): HttpRequestRecord {
  const h: HttpRequestRecord = {
    sessionId: '', resource: '', method: '', hostname: '', path: '', status: 0, bytesIn: 0, bytesOut: 0, startedAtMs: 0, durationUs: 0,
    username: '', deviceId: '', deniedReason: '', tunnel: false,
  };
  while (r.pos < end) {
    const key = r.varint(end);
    switch (key >>> 3) {
      case 1: expect(key, LENGTH_DELIMITED); h.sessionId = r.string(end); break;
      case 2: expect(key, LENGTH_DELIMITED); h.resource = r.string(end); break;
      case 3: expect(key, LENGTH_DELIMITED); h.method = r.string(end); break;
      case 4: expect(key, LENGTH_DELIMITED); h.hostname = r.string(end); break;
      case 5: expect(key, LENGTH_DELIMITED); h.path = r.string(end); break;
      case 6: expect(key, VARINT); h.status = r.int32(end); break;
      case 7: expect(key, VARINT); h.bytesIn = r.int64(end); break;
      case 8: expect(key, VARINT); h.bytesOut = r.int64(end); break;
      case 9: expect(key, VARINT); h.startedAtMs = r.int64(end); break;
      case 10: expect(key, VARINT); h.durationUs = r.int64(end); break;
      case 11: expect(key, LENGTH_DELIMITED); h.username = r.string(end); break;
      case 12: expect(key, LENGTH_DELIMITED); h.deviceId = r.string(end); break;
      case 13: expect(key, LENGTH_DELIMITED); h.deniedReason = r.string(end); break;
      // A bool is a varint, read as its low 32 bits as the generic reader does.
      case 14: expect(key, VARINT); h.tunnel = r.varint(end) !== 0; break;
      default: r.skip(key & 7, end);
    }
  }
  return h;
}

/** Decodes one TelemetryBatch message as the generic deserializer would, with less garbage. */
export function decodeTelemetryBatch(buf: Buffer): TelemetryBatch {
  const r = new Reader(buf as NodeBuffer);
  const end = buf.length;
  const b: TelemetryBatch = { seq: 0, collectedAtMs: 0, peers: [], counters: [], denied: [], flows: [], droppedRecords: 0, httpRequests: [] };
  while (r.pos < end) {
    const key = r.varint(end);
    switch (key >>> 3) {
      case 1: expect(key, VARINT); b.seq = r.int64(end); break;
      case 2: expect(key, VARINT); b.collectedAtMs = r.int64(end); break;
      case 3: expect(key, LENGTH_DELIMITED); b.peers.push(peer(r, r.delimited(end))); break;
      case 4: expect(key, LENGTH_DELIMITED); b.counters.push(counter(r, r.delimited(end))); break;
      case 5: expect(key, LENGTH_DELIMITED); b.denied.push(denied(r, r.delimited(end))); break;
      case 6: expect(key, LENGTH_DELIMITED); b.flows.push(flow(r, r.delimited(end))); break;
      case 7: expect(key, VARINT); b.droppedRecords = r.int64(end); break;
      case 8: expect(key, LENGTH_DELIMITED); b.httpRequests.push(httpRequest(r, r.delimited(end))); break;
      default: r.skip(key & 7, end);
    }
  }
  return b;
}
