// Newest-first pages of the audit log from an API that only reads forwards (ListAudit: the
// first `limit` records with id > after_id, oldest first). The page of the `size` newest
// records below an id starts right after the largest after_id from which at least `size`
// records lie below that id; that count only falls as after_id grows, so a binary search over
// after_id finds it in about log2(newest id) small reads, each an indexed range scan — never
// a read of the whole log. (A `before_id` in ListAudit would make this one read.)

export interface Record { id: number }

/** ListAudit with the page's filter applied: records with id > afterId, oldest first, at most `limit`. */
export type ReadAfter<R extends Record> = (afterId: number, limit: number) => Promise<R[]>;

/** The `size` newest records with id < beforeId (undefined: the newest of all), newest first. */
export async function newestBefore<R extends Record>(read: ReadAfter<R>, size: number, beforeId?: number): Promise<R[]> {
  const below = async (afterId: number) => (await read(afterId, size)).filter((r) => beforeId === undefined || r.id < beforeId);
  // `hi`: an after_id with fewer than `size` records after it and below beforeId.
  let hi = beforeId ?? 1024;
  if (beforeId === undefined) while ((await read(hi, 1)).length > 0) hi *= 2;
  const first = await below(0);
  if (first.length < size) return first.reverse();
  let lo = 0;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await below(mid)).length >= size) lo = mid;
    else hi = mid;
  }
  return (await below(lo)).reverse();
}
