// The Report stream's own decoder gives exactly what the generic deserializer gives, for
// every field, extreme values, fields it does not know and fields left out; malformed input
// throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wicketV1 } from '../../proto/load.js';
import type { TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import { decodeTelemetryBatch } from './batch-decoder.js';

const report = () => wicketV1().Gateway.service.Report;
const generic = (buf: Buffer) => report().requestDeserialize(buf);
const encode = (b: TelemetryBatch) => report().requestSerialize(b);

const BIG = '9007199254740993'; // 2^53 + 1: not a safe integer, rounded as Long.toNumber does
const full: TelemetryBatch = {
  seq: 7, collectedAtMs: 1_764_000_000_123, droppedRecords: 3,
  peers: [{ sessionId: 's1', endpoint: '198.51.100.7:51820', lastHandshakeMs: 1_764_000_000_000, rxBytes: Number.MAX_SAFE_INTEGER, txBytes: BIG }],
  counters: [{ sessionId: 's1', destination: '10.0.0.0/8', protocol: 'udp', portFrom: 53, portTo: 65535, packets: '-1', bytes: '-9223372036854775808' }],
  denied: [
    { sessionId: '', source: '100.64.0.9', destination: 'wiki.example', protocol: 'http', port: -1, count: 2 ** 32, firstSeenMs: 2 ** 31, lastSeenMs: 2 ** 35 + 1 },
    { sessionId: 's2', source: '100.64.0.10', destination: '10.0.0.1', protocol: 'tcp', port: 2 ** 31 - 1, count: 1, firstSeenMs: 0, lastSeenMs: 127 },
  ],
  flows: [
    { sessionId: 's1', source: '100.64.0.2', destination: '10.0.1.10', protocol: 'tcp', port: 80, startedAtMs: 128, endedAtMs: 16_384, bytesOut: 2 ** 28 - 1, bytesIn: 2 ** 28 },
    { sessionId: 's3' },
  ],
  httpRequests: [
    { sessionId: 's1', resource: 'wiki', method: 'GET', hostname: 'wiki.example', path: '/a', status: 403, bytesIn: 1, bytesOut: 2, startedAtMs: 3, durationUs: 4,
      username: 'alice', deviceId: 'd', deniedReason: 'not granted: ünïcödé ✓ 🚫', tunnel: true },
    { sessionId: '', resource: 'wiki', tunnel: false },
  ],
};

test('decodes every field as the generic deserializer does', () => {
  const buf = encode(full);
  assert.deepStrictEqual(decodeTelemetryBatch(buf), generic(buf));
});

test('an empty message gives every default and empty lists', () => {
  assert.deepStrictEqual(decodeTelemetryBatch(Buffer.alloc(0)), generic(Buffer.alloc(0)));
});

test('fields it does not know are skipped, whatever their wire type', () => {
  const unknown = Buffer.from([
    0x98, 0x06, 0x2a, // field 99, varint 42
    0x99, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, // field 99, fixed64
    0x9a, 0x06, 0x03, 0x61, 0x62, 0x63, // field 99, "abc"
    0x9d, 0x06, 1, 2, 3, 4, // field 99, fixed32
  ]);
  // Also inside a record: a flow (field 6) holding an unknown field and a session id.
  const inner = Buffer.concat([Buffer.from([0x98, 0x06, 0x01]), Buffer.from([0x0a, 0x02, 0x73, 0x39])]);
  const flow = Buffer.concat([Buffer.from([0x32, inner.length]), inner]);
  const buf = Buffer.concat([encode(full), unknown, flow]);
  const decoded = decodeTelemetryBatch(buf);
  assert.deepStrictEqual(decoded, generic(buf));
  assert.equal(decoded.flows.at(-1)!.sessionId, 's9');
});

test('malformed input throws', () => {
  const buf = encode(full);
  assert.throws(() => decodeTelemetryBatch(buf.subarray(0, buf.length - 3)));
  // A length beyond the message, a varint that never ends, a known field with another wire type, wire type 3.
  assert.throws(() => decodeTelemetryBatch(Buffer.from([0x32, 0x05, 0x0a])), /beyond/);
  assert.throws(() => decodeTelemetryBatch(Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])), /varint/);
  assert.throws(() => decodeTelemetryBatch(Buffer.from([0x0a, 0x01, 0x61])), /wire type/);
  assert.throws(() => decodeTelemetryBatch(Buffer.from([0x9b, 0x06])), /wire type/);
});
