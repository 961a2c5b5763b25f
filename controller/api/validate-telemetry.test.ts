// Unit tests of TelemetryBatch validation (controller/api/validate.ts): zod checks the
// envelope, a field guard checks every record without copying it; both must keep the bounds
// of the proto comments and name the offending field in proto spelling, with its index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { validate } from './validate.js';
import { RpcError } from './errors.js';

const flow = { sessionId: 's1', source: '100.64.0.2', destination: '10.0.1.10', protocol: 'tcp', port: 80, startedAtMs: 1, endedAtMs: 2, bytesOut: 3, bytesIn: 4 };
const peer = { sessionId: 's1', endpoint: '198.51.100.7:51820', lastHandshakeMs: 5, rxBytes: 6, txBytes: 7 };
const counter = { sessionId: 's1', destination: '10.0.1.10', protocol: 'tcp', portFrom: 80, portTo: 443, packets: 8, bytes: 9 };
const denied = { sessionId: '', source: '100.64.0.2', destination: '10.0.2.10', protocol: 'udp', port: 53, count: 2, firstSeenMs: 10, lastSeenMs: 11 };
const request = { sessionId: '', resource: 'wiki', method: 'GET', hostname: 'wiki.corp.example', path: '/docs/a', status: 403, bytesIn: 0, bytesOut: 900,
  startedAtMs: 13, durationUs: 14, username: 'alice', deviceId: '', deniedReason: 'no rule allows GET /docs/a', tunnel: false };
const batch = (over: Record<string, unknown> = {}) =>
  ({ seq: 1, collectedAtMs: 12, peers: [peer], counters: [counter], denied: [denied], flows: [flow], httpRequests: [request], droppedRecords: 0, ...over });

function rejects(value: unknown, message: RegExp) {
  assert.throws(() => validate('TelemetryBatch', value),
    (err: unknown) => err instanceof RpcError && err.code === grpc.status.INVALID_ARGUMENT && message.test(err.message));
}

test('a valid batch passes with its records as they are (not copied)', () => {
  const b = batch();
  const v = validate('TelemetryBatch', b);
  assert.deepEqual(v, b);
  assert.equal(v.flows[0], b.flows[0]);
  assert.equal(validate('TelemetryBatch', batch({ flows: [flow, { ...flow, port: 65535, bytesIn: Number.MAX_SAFE_INTEGER }] })).flows.length, 2);
});

test('the envelope: sequence, times and lists', () => {
  rejects(batch({ seq: 0 }), /^seq: must be positive$/);
  rejects(batch({ collectedAtMs: -1 }), /^collected_at_ms: /);
  rejects(batch({ droppedRecords: 1.5 }), /^dropped_records: must be an integer$/);
  rejects(batch({ flows: 'x' }), /^flows: must be a list$/);
  rejects(batch({ peers: null }), /^peers: must be a list$/);
  rejects(batch({ flows: new Array(200_001).fill(flow) }), /^flows: must hold at most 200000 records$/);
});

test('each record field keeps its bound, reported with index and proto field name', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ flows: [flow, { ...flow, sessionId: '' }] }, /^flows\[1\]\.session_id: must not be empty$/],
    [{ flows: [{ ...flow, sessionId: 's/1' }] }, /^flows\[0\]\.session_id: is not a valid id$/],
    [{ flows: [{ ...flow, sessionId: 'x'.repeat(65) }] }, /^flows\[0\]\.session_id: must be at most 64 characters$/],
    [{ flows: [{ ...flow, source: 'a b' }] }, /^flows\[0\]\.source: must be printable ASCII without spaces$/],
    [{ flows: [{ ...flow, destination: 'é' }] }, /^flows\[0\]\.destination: must be printable ASCII/],
    [{ flows: [{ ...flow, protocol: 'x'.repeat(17) }] }, /^flows\[0\]\.protocol: must be at most 16 characters$/],
    [{ flows: [{ ...flow, port: 65536 }] }, /^flows\[0\]\.port: must be a port number \(0-65535\)$/],
    [{ flows: [{ ...flow, endedAtMs: 2.5 }] }, /^flows\[0\]\.ended_at_ms: must be an integer$/],
    [{ flows: [{ ...flow, bytesIn: 2 ** 53 }] }, /^flows\[0\]\.bytes_in: must be an integer$/],
    [{ flows: [{ ...flow, bytesOut: -1 }] }, /^flows\[0\]\.bytes_out: must not be negative$/],
    [{ flows: [{ ...flow, startedAtMs: '1' }] }, /^flows\[0\]\.started_at_ms: must be an integer$/],
    [{ flows: [null] }, /^flows\[0\]: must be a record$/],
    [{ peers: [{ ...peer, endpoint: 'x'.repeat(65) }] }, /^peers\[0\]\.endpoint: must be at most 64 characters$/],
    [{ peers: [{ ...peer, txBytes: NaN }] }, /^peers\[0\]\.tx_bytes: must be an integer$/],
    [{ counters: [{ ...counter, portTo: -1 }] }, /^counters\[0\]\.port_to: must not be negative$/],
    [{ counters: [{ ...counter, sessionId: undefined }] }, /^counters\[0\]\.session_id: must be a string$/],
    [{ denied: [{ ...denied, count: -2 }] }, /^denied\[0\]\.count: must not be negative$/],
    [{ denied: [{ ...denied, sessionId: 'a\u0000' }] }, /^denied\[0\]\.session_id: must be printable ASCII/],
    [{ denied: [{ ...denied, destination: 'x'.repeat(254) }] }, /^denied\[0\]\.destination: must be at most 253 characters$/],
    [{ httpRequests: [{ ...request, hostname: 'x'.repeat(254) }] }, /^http_requests\[0\]\.hostname: must be at most 253 characters$/],
    [{ httpRequests: [{ ...request, path: '/a b' }] }, /^http_requests\[0\]\.path: must be printable ASCII/],
    [{ httpRequests: [{ ...request, status: 1000 }] }, /^http_requests\[0\]\.status: must be an HTTP status$/],
    [{ httpRequests: [{ ...request, deniedReason: 'a\nb' }] }, /^http_requests\[0\]\.denied_reason: must not hold control characters$/],
    [{ httpRequests: [{ ...request, tunnel: 1 }] }, /^http_requests\[0\]\.tunnel: must be true or false$/],
  ];
  for (const [over, message] of cases) rejects(batch(over), message);
  // A denied attempt may have no session (traffic from an address no session holds).
  assert.equal(validate('TelemetryBatch', batch()).denied[0]!.sessionId, '');
  // A request the proxy refused is a denied attempt whose destination is the hostname (up to 253 characters).
  const hostname = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
  assert.equal(validate('TelemetryBatch', batch({ denied: [{ ...denied, destination: hostname, protocol: 'http', port: 80 }] })).denied[0]!.destination, hostname);
});

test('a refused DNS query (its name, port 53) and IPv6 addresses are records like any other', () => {
  const longest = 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255';
  const b = batch({
    denied: [{ ...denied, destination: 'secret.corp.internal', protocol: 'dns', port: 53 }, { ...denied, source: 'fd6b:7769:636b::2', destination: 'fd20::10', protocol: 'tcp', port: 22 }],
    flows: [{ ...flow, source: 'fd6b:7769:636b::2', destination: longest }],
    counters: [{ ...counter, destination: 'fd20::/64' }, { ...counter, destination: '*.corp.internal' }],
  });
  assert.deepEqual(validate('TelemetryBatch', b), b);
  rejects(batch({ denied: [{ ...denied, destination: 'bad name.corp.internal', protocol: 'dns', port: 53 }] }), /^denied\[0\]\.destination: must be printable ASCII without spaces$/);
  rejects(batch({ flows: [{ ...flow, source: `${longest}:${longest}` }] }), /^flows\[0\]\.source: must be at most 64 characters$/);
  const wildcard = `*.${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
  assert.equal(validate('TelemetryBatch', batch({ counters: [{ ...counter, destination: wildcard }] })).counters[0]!.destination, wildcard, 'a rule names up to 255 characters');
  rejects(batch({ counters: [{ ...counter, destination: `${wildcard}x` }] }), /^counters\[0\]\.destination: must be at most 255 characters$/);
});
