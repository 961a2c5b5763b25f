// How long gateways took to acknowledge session removals, from the controller's own
// Prometheus histogram `wicket_revocation_enforced_seconds` (read in-process, no scrape):
// its cumulative buckets summed over gateways and turned into a count per bucket.
import type { Histogram, Registry } from 'prom-client';

export const REVOCATION_METRIC = 'wicket_revocation_enforced_seconds';

export interface LatencyBucket {
  /** The bucket's range in seconds ("≤ 0.005", "0.005–0.01", …, "> 10"). */
  label: string;
  count: number;
}

export async function revocationLatency(registry: Registry): Promise<LatencyBucket[]> {
  const metric = registry.getSingleMetric(REVOCATION_METRIC) as Histogram | undefined;
  if (!metric) return [];
  const { values } = await metric.get();
  const cumulative = new Map<number, number>();
  for (const v of values) {
    if (v.metricName !== `${REVOCATION_METRIC}_bucket`) continue;
    const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
    cumulative.set(le, (cumulative.get(le) ?? 0) + v.value);
  }
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  return bounds.map((le, i) => {
    const below = i > 0 ? cumulative.get(bounds[i - 1]!)! : 0;
    const label = i === 0 ? `≤ ${le}` : le === Infinity ? `> ${bounds[i - 1]}` : `${bounds[i - 1]}–${le}`;
    return { label, count: cumulative.get(le)! - below };
  });
}
