// Small text formats the pages share.

/** An instant as an ISO time and how long ago it was ("never" for 0). */
export function timeText(ms: number, now: number): string {
  if (!ms) return 'never';
  const ago = Math.max(0, Math.round((now - ms) / 1000));
  const rel = ago < 60 ? `${ago} s ago` : ago < 3600 ? `${Math.round(ago / 60)} min ago` : ago < 86_400 ? `${Math.round(ago / 3600)} h ago` : `${Math.round(ago / 86_400)} d ago`;
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC (${rel})`;
}
