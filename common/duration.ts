// Human durations ("90s", "15m", "12h", "7d", "1h30m") for command-line flags and config,
// parsed to and formatted from milliseconds.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+)(ms|s|m|h|d)/g;

/** Parses a duration made of one or more `<integer><unit>` parts (units ms, s, m, h, d) into ms. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!/^(\d+(ms|s|m|h|d))+$/.test(trimmed)) {
    throw new Error(`invalid duration "${text}": use numbers with units ms, s, m, h, d, e.g. 90s, 15m, 12h, 7d, 1h30m`);
  }
  let total = 0;
  for (const [, n, unit] of trimmed.matchAll(PART)) total += Number(n) * UNITS[unit!]!;
  if (!Number.isSafeInteger(total)) throw new Error(`invalid duration "${text}": too large`);
  return total;
}

/** Formats milliseconds as the shortest duration string parseDuration reads back ("1h30m", "0s"). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`cannot format duration ${ms}`);
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNITS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
