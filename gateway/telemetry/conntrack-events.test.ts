// Unit tests of the conntrack line parser and the flow tracker, on lines captured from
// conntrack v1.4.7 (`-E -o timestamp,id` and `-L -o id`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTracker, parseConntrackLine } from './conntrack-events.js';

const NEW = '[1795601160.856379]\t    [NEW] tcp      6 120 SYN_SENT src=100.64.0.2 dst=10.0.1.10 sport=36070 dport=80 [UNREPLIED] src=10.0.1.10 dst=10.0.1.1 sport=80 dport=36070 id=3041603467';
const ESTABLISHED = '[1795601160.856498]\t [UPDATE] tcp      6 432000 ESTABLISHED src=100.64.0.2 dst=10.0.1.10 sport=36070 dport=80 src=10.0.1.10 dst=10.0.1.1 sport=80 dport=36070 [ASSURED] id=3041603467';
const TIME_WAIT = '[1795601160.871249]\t [UPDATE] tcp      6 120 TIME_WAIT src=100.64.0.2 dst=10.0.1.10 sport=36070 dport=80 src=10.0.1.10 dst=10.0.1.1 sport=80 dport=36070 [ASSURED] id=3041603467';
const LISTED = 'tcp      6 119 TIME_WAIT src=100.64.0.2 dst=10.0.1.10 sport=36070 dport=80 packets=5 bytes=286 src=10.0.1.10 dst=10.0.1.1 sport=80 dport=36070 packets=5 bytes=299 [ASSURED] mark=0 use=1 id=3041603467';
const DESTROY = '[1795601161.430066]\t[DESTROY] tcp      6 119 TIME_WAIT src=100.64.0.2 dst=10.0.1.10 sport=36070 dport=80 packets=5 bytes=286 src=10.0.1.10 dst=10.0.1.1 sport=80 dport=36070 packets=5 bytes=299 [ASSURED] id=3041603467 [USERSPACE] portid=3006488052';
const ICMP_DESTROY = '[1795601190.000000]\t[DESTROY] icmp     1 src=100.64.0.2 dst=10.0.1.10 type=8 code=0 id=17 packets=1 bytes=84 src=10.0.1.10 dst=10.0.1.1 type=0 code=0 id=17 packets=1 bytes=84 id=99';

const sessions = new Map([['100.64.0.2', 'sess-alice']]);
const sessionOf = (a: string) => sessions.get(a);

test('parses event lines: time, event, protocol, state, both directions and the entry id', () => {
  const e = parseConntrackLine(NEW)!;
  assert.equal(e.event, 'NEW');
  assert.equal(e.atMs, 1795601160856);
  assert.equal(e.protocol, 'tcp');
  assert.equal(e.state, 'SYN_SENT');
  assert.deepEqual(e.orig, { src: '100.64.0.2', dst: '10.0.1.10', sport: 36070, dport: 80, packets: 0, bytes: 0 });
  assert.equal(e.reply.src, '10.0.1.10');
  assert.equal(e.id, '3041603467');
  const d = parseConntrackLine(DESTROY)!;
  assert.equal(d.event, 'DESTROY');
  assert.deepEqual([d.orig.packets, d.orig.bytes, d.reply.packets, d.reply.bytes], [5, 286, 5, 299]);
  assert.equal(d.id, '3041603467');
});

test('parses listing lines (no event, no time) and icmp entries whose tuples carry their own id', () => {
  const l = parseConntrackLine(LISTED)!;
  assert.equal(l.event, undefined);
  assert.equal(l.atMs, undefined);
  assert.equal(l.state, 'TIME_WAIT');
  assert.equal(l.reply.bytes, 299);
  const i = parseConntrackLine(ICMP_DESTROY)!;
  assert.equal(i.protocol, 'icmp');
  assert.equal(i.id, '99');
  assert.equal(i.orig.bytes, 84);
});

test('ignores lines that are not entries', () => {
  for (const line of ['', 'conntrack v1.4.7 (conntrack-tools): 7 flow events have been shown.', 'garbage', '[NEW] tcp 6 src=1.2.3.4']) {
    assert.equal(parseConntrackLine(line), undefined, line);
  }
});

test('a closed TCP flow is completed from the TIME_WAIT listing with bytes each way, once', () => {
  const t = new FlowTracker(sessionOf);
  for (const l of [NEW, ESTABLISHED]) assert.equal(t.onEvent(parseConntrackLine(l)!), undefined);
  assert.equal(t.hasClosing(), false);
  t.onEvent(parseConntrackLine(TIME_WAIT)!);
  assert.equal(t.hasClosing(), true);
  const flows = t.completeFromListing([parseConntrackLine(LISTED)!]);
  assert.deepEqual(flows, [{
    sessionId: 'sess-alice', source: '100.64.0.2', destination: '10.0.1.10', protocol: 'tcp', port: 80,
    startedAtMs: 1795601160856, endedAtMs: 1795601160871, bytesOut: 286, bytesIn: 299,
  }]);
  // The later DESTROY of the same entry is not a second flow (the source is still attributed,
  // so only the tracker's memory of the completed id prevents it).
  assert.equal(t.size, 0);
  assert.equal(t.hasClosing(), false);
});

test('a flow ending without TIME_WAIT is completed by its DESTROY', () => {
  const t = new FlowTracker(sessionOf);
  t.onEvent(parseConntrackLine(NEW)!);
  const f = t.onEvent(parseConntrackLine(DESTROY)!)!;
  assert.equal(f.bytesIn, 299);
  assert.equal(f.startedAtMs, 1795601160856);
  assert.equal(f.endedAtMs, 1795601161430);
});

test('connections from addresses of no session are not followed', () => {
  const t = new FlowTracker(() => undefined);
  assert.equal(t.onEvent(parseConntrackLine(NEW)!), undefined);
  assert.equal(t.size, 0);
  assert.equal(t.onEvent(parseConntrackLine(DESTROY)!), undefined);
});

test('NEW events beyond the capacity are counted, not followed', () => {
  const t = new FlowTracker(sessionOf, 1);
  t.onEvent(parseConntrackLine(NEW)!);
  t.onEvent(parseConntrackLine(NEW.replace('id=3041603467', 'id=2'))!);
  assert.equal(t.size, 1);
  assert.equal(t.overflow, 1);
});
