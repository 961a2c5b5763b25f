// Schedules across time zones and daylight-saving changes, overnight windows, adjacent
// windows, and session_ttl against the end of the schedule window (the earliest wins).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_POSTURE, evaluate, parsePolicy } from './index.js';
import { localToUtc, parseDays, parseHours, scheduleState, type Schedule } from './schedule.js';

function schedule(days: string[], hours: string, tz: string): Schedule {
  const d = parseDays(days);
  const h = parseHours(hours);
  assert.ok(typeof d !== 'string' && typeof h !== 'string');
  return { days: d, ...h, tz, text: '' };
}

const at = (iso: string) => Date.parse(iso);

const cases: { name: string; s: Schedule; now: string; open: boolean; until?: string | null }[] = [
  // Europe/Berlin is UTC+1 in winter, UTC+2 in summer.
  { name: 'Berlin summer, inside', s: schedule(['mon-fri'], '07:00-19:00', 'Europe/Berlin'), now: '2025-06-02T05:00:00Z', open: true, until: '2025-06-02T17:00:00Z' },
  { name: 'Berlin summer, one minute before opening', s: schedule(['mon-fri'], '07:00-19:00', 'Europe/Berlin'), now: '2025-06-02T04:59:00Z', open: false },
  { name: 'Berlin summer, closing instant is outside', s: schedule(['mon-fri'], '07:00-19:00', 'Europe/Berlin'), now: '2025-06-02T17:00:00Z', open: false },
  { name: 'Berlin winter, same local hours are an hour later in UTC', s: schedule(['mon-fri'], '07:00-19:00', 'Europe/Berlin'), now: '2025-01-06T06:00:00Z', open: true, until: '2025-01-06T18:00:00Z' },
  { name: 'Berlin winter, 06:30 UTC is 07:30 local', s: schedule(['mon-fri'], '07:00-19:00', 'Europe/Berlin'), now: '2025-01-06T05:59:00Z', open: false },
  // 2025-03-30: Berlin jumps 02:00 -> 03:00 (01:00 UTC).
  { name: 'DST spring forward: window ending inside the gap ends at the jump', s: schedule(['sun'], '01:00-02:30', 'Europe/Berlin'), now: '2025-03-30T00:30:00Z', open: true, until: '2025-03-30T01:00:00Z' },
  { name: 'DST spring forward: a day is 23 hours long', s: schedule(['sun'], '00:00-24:00', 'Europe/Berlin'), now: '2025-03-30T12:00:00Z', open: true, until: '2025-03-30T22:00:00Z' },
  // 2025-10-26: Berlin falls back 03:00 -> 02:00 (01:00 UTC); 02:30 happens twice.
  { name: 'DST fall back: window ends at the first 02:30', s: schedule(['sun'], '01:00-02:30', 'Europe/Berlin'), now: '2025-10-25T23:30:00Z', open: true, until: '2025-10-26T00:30:00Z' },
  { name: 'DST fall back: a day is 25 hours long', s: schedule(['sun'], '00:00-24:00', 'Europe/Berlin'), now: '2025-10-26T12:00:00Z', open: true, until: '2025-10-26T23:00:00Z' },
  // America/New_York: 2025-03-09 spring forward at 07:00 UTC.
  { name: 'New York across its own DST date', s: schedule(['mon-fri'], '09:00-17:00', 'America/New_York'), now: '2025-03-10T13:30:00Z', open: true, until: '2025-03-10T21:00:00Z' },
  { name: 'New York the Friday before: still standard time', s: schedule(['mon-fri'], '09:00-17:00', 'America/New_York'), now: '2025-03-07T13:30:00Z', open: false },
  { name: 'Asia/Kolkata half-hour offset', s: schedule(['mon'], '09:00-10:00', 'Asia/Kolkata'), now: '2025-06-02T03:30:00Z', open: true, until: '2025-06-02T04:30:00Z' },
  { name: 'the local day decides, not the UTC day (Tokyo Monday 08:00 = Sunday 23:00 UTC)', s: schedule(['mon'], '08:00-09:00', 'Asia/Tokyo'), now: '2025-06-01T23:00:00Z', open: true, until: '2025-06-02T00:00:00Z' },
  { name: 'overnight window, after midnight belongs to the previous day', s: schedule(['fri'], '22:00-06:00', 'UTC'), now: '2025-06-07T03:00:00Z', open: true, until: '2025-06-07T06:00:00Z' },
  { name: 'overnight window, before midnight', s: schedule(['fri'], '22:00-06:00', 'UTC'), now: '2025-06-06T23:00:00Z', open: true, until: '2025-06-07T06:00:00Z' },
  { name: 'overnight window, not started on Saturday night', s: schedule(['fri'], '22:00-06:00', 'UTC'), now: '2025-06-07T23:00:00Z', open: false },
  { name: 'adjacent whole days are followed to the end of the run', s: schedule(['mon-wed'], '00:00-24:00', 'UTC'), now: '2025-06-02T10:00:00Z', open: true, until: '2025-06-05T00:00:00Z' },
  { name: 'a schedule open every hour of every day never closes', s: schedule(['mon-sun'], '00:00-24:00', 'Europe/Berlin'), now: '2025-06-02T10:00:00Z', open: true, until: null },
  { name: 'weekend range wrapping the week', s: schedule(['sat-sun'], '10:00-12:00', 'UTC'), now: '2025-06-08T11:00:00Z', open: true, until: '2025-06-08T12:00:00Z' },
];

for (const c of cases) {
  test(`schedule: ${c.name}`, () => {
    const state = scheduleState(c.s, at(c.now));
    assert.equal(state.open, c.open);
    if (state.open) assert.equal(state.until === null ? null : new Date(state.until).toISOString(), c.until === null ? null : new Date(at(c.until!)).toISOString());
  });
}

test('localToUtc: plain, gap and overlap times', () => {
  assert.equal(new Date(localToUtc('Europe/Berlin', 2025, 6, 2, 7 * 60)).toISOString(), '2025-06-02T05:00:00.000Z');
  assert.equal(new Date(localToUtc('Europe/Berlin', 2025, 3, 30, 2 * 60 + 30)).toISOString(), '2025-03-30T01:00:00.000Z');
  assert.equal(new Date(localToUtc('Europe/Berlin', 2025, 10, 26, 2 * 60 + 30)).toISOString(), '2025-10-26T00:30:00.000Z');
  assert.equal(new Date(localToUtc('UTC', 2025, 12, 31, 1440)).toISOString(), '2026-01-01T00:00:00.000Z');
});

const TTL_POLICY = (ttl: string) => `groups: { g: [u] }
resources: { r: { address: 10.0.0.1, ports: [tcp/22], gateway: gw } }
grants:
  - name: g-r
    to: [group:g]
    resources: [r]
    session_ttl: ${ttl}
    schedule: { days: [mon-fri], hours: "08:00-18:00", tz: Europe/Berlin }
`;

for (const [ttl, expected] of [['1h', '2025-06-02T11:00:00.000Z'], ['12h', '2025-06-02T16:00:00.000Z']] as const) {
  test(`session_ttl ${ttl} against a schedule closing at 16:00 UTC: the earliest wins`, () => {
    const r = parsePolicy(TTL_POLICY(ttl));
    assert.ok(r.ok);
    const result = evaluate(r.policy, { user: 'u', groups: [], mfa: true, posture: EMPTY_POSTURE, now: new Date('2025-06-02T10:00:00Z') });
    assert.equal(result.entitlements.length, 1);
    assert.equal(new Date(result.entitlements[0]!.expiresAt!).toISOString(), expected);
  });
}

test('session_ttl counts from the session start when one is given (re-evaluation does not extend it)', () => {
  const r = parsePolicy(TTL_POLICY('1h'));
  assert.ok(r.ok);
  const subject = { user: 'u', groups: [], mfa: true, posture: EMPTY_POSTURE, now: new Date('2025-06-02T10:00:00Z') };
  const started = evaluate(r.policy, { ...subject, sessionStart: new Date('2025-06-02T09:30:00Z') });
  assert.equal(new Date(started.entitlements[0]!.expiresAt!).toISOString(), '2025-06-02T10:30:00.000Z');
  const fresh = evaluate(r.policy, subject);
  assert.equal(new Date(fresh.entitlements[0]!.expiresAt!).toISOString(), '2025-06-02T11:00:00.000Z');
});
