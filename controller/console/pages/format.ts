// Small text formats the pages share.

/** An instant as an ISO time and how long ago it was, or how far ahead ("never" for 0). */
export function timeText(ms: number, now: number): string {
  if (!ms) return 'never';
  const seconds = Math.round(Math.abs(now - ms) / 1000);
  const span = seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${Math.round(seconds / 60)} min` : seconds < 86_400 ? `${Math.round(seconds / 3600)} h` : `${Math.round(seconds / 86_400)} d`;
  const rel = ms > now + 500 ? `in ${span}` : `${span} ago`;
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC (${rel})`;
}
