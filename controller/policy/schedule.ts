// Grant schedules: the days and hours of a week, in an IANA time zone, during which a grant
// applies. Parsing, "is it open now" and "when does the current window close", correct across
// time zones and daylight-saving changes (wall-clock times are converted with Intl). Pure.

export const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MINUTE = 60_000;
const DAY_MINUTES = 1440;

export interface Schedule {
  /** days[0] = Sunday ... days[6] = Saturday: the days on which a window starts. */
  days: boolean[];
  /** Window start and end in minutes after local midnight; end <= start means the window runs past midnight. */
  start: number;
  end: number;
  tz: string;
  /** "mon-fri 07:00-19:00 Europe/Berlin", for explanations. */
  text: string;
}

/** Parses day items ("mon", "mon-fri", "fri-sun") into the 7-day mask, or returns the reason. */
export function parseDays(items: string[]): boolean[] | string {
  const days: boolean[] = new Array<boolean>(7).fill(false);
  for (const item of items) {
    const [from, to = from] = item.split('-', 2) as [string, string?];
    const a = DAY_NAMES.indexOf(from as (typeof DAY_NAMES)[number]);
    const b = DAY_NAMES.indexOf(to as (typeof DAY_NAMES)[number]);
    if (a < 0 || b < 0 || item.split('-').length > 2) {
      return `invalid day "${item}": use ${DAY_NAMES.join(', ')} or a range like mon-fri`;
    }
    for (let d = a; ; d = (d + 1) % 7) {
      if (days[d]) return `day ${DAY_NAMES[d]} is listed twice`;
      days[d] = true;
      if (d === b) break;
    }
  }
  return days;
}

const HOURS = /^([01][0-9]|2[0-3]):([0-5][0-9])-(?:([01][0-9]|2[0-3]):([0-5][0-9])|(24):(00))$/;

/** Parses "HH:MM-HH:MM" (end may be 24:00; an end before the start crosses midnight). */
export function parseHours(text: string): { start: number; end: number } | string {
  const m = HOURS.exec(text);
  if (!m) return `invalid hours "${text}": use HH:MM-HH:MM, e.g. 07:00-19:00`;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = m[5] ? DAY_MINUTES : Number(m[3]) * 60 + Number(m[4]);
  if (start === end) return `invalid hours "${text}": the window is empty (start equals end)`;
  return { start, end };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** Minutes after local midnight. */
  minutes: number;
  dow: number;
  /** Local wall clock as if it were UTC, in ms (whole seconds). */
  wall: number;
}

function localTime(tz: string, t: number): LocalTime {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(t))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return {
    year: p.year!, month: p.month!, day: p.day!, minutes: p.hour! * 60 + p.minute!,
    dow: new Date(Date.UTC(p.year!, p.month! - 1, p.day!)).getUTCDay(), wall,
  };
}

function offsetAt(tz: string, t: number): number {
  return localTime(tz, t).wall - Math.floor(t / 1000) * 1000;
}

/**
 * The first instant at which the local wall clock of `tz` reads at least the given local
 * date and minute (minute may be 1440: the next midnight). In a DST gap that is the moment
 * of the jump; in a DST overlap it is the first occurrence.
 */
export function localToUtc(tz: string, year: number, month: number, day: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minute);
  const offsets = [...new Set([offsetAt(tz, wall - 14 * 3_600_000), offsetAt(tz, wall + 14 * 3_600_000)])];
  const exact = offsets.map((o) => wall - o).filter((t) => offsetAt(tz, t) === wall - t);
  if (exact.length > 0) return Math.min(...exact);
  // A gap: search the jump between the two candidate instants.
  let lo = Math.min(...offsets.map((o) => wall - o));
  let hi = Math.max(...offsets.map((o) => wall - o));
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (localTime(tz, mid).wall >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** When the window containing `t` closes, or undefined when `t` is outside every window. */
function windowEnd(s: Schedule, t: number): number | undefined {
  const l = localTime(s.tz, t);
  if (s.start < s.end) {
    return s.days[l.dow] && l.minutes >= s.start && l.minutes < s.end ? localToUtc(s.tz, l.year, l.month, l.day, s.end) : undefined;
  }
  if (s.days[l.dow] && l.minutes >= s.start) return localToUtc(s.tz, l.year, l.month, l.day + 1, s.end);
  if (s.days[(l.dow + 6) % 7] && l.minutes < s.end) return localToUtc(s.tz, l.year, l.month, l.day, s.end);
  return undefined;
}

export type ScheduleState = { open: false } | { open: true; until: number | null };
const lastState = new WeakMap<Schedule, { now: number; state: ScheduleState }>();

/**
 * Whether the schedule is open at `now` and, when it is, until when: the first instant after
 * `now` that lies outside every window (adjacent windows, e.g. every day 00:00-24:00, are
 * followed; `until` is null when the schedule never closes).
 */
export function scheduleState(s: Schedule, now: number): ScheduleState {
  // Re-evaluating every session after a policy apply asks the same schedule about the same
  // instant thousands of times; remember the last answer per schedule.
  const last = lastState.get(s);
  if (last?.now === now) return last.state;
  const state = computeState(s, now);
  lastState.set(s, { now, state });
  return state;
}

function computeState(s: Schedule, now: number): ScheduleState {
  let end = windowEnd(s, now);
  if (end === undefined) return { open: false };
  for (let i = 0; i < 8; i++) {
    const next = windowEnd(s, end);
    if (next === undefined) return { open: true, until: end };
    end = Math.max(next, end + MINUTE);
  }
  return { open: true, until: null };
}
