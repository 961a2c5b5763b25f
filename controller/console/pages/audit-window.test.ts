import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newestBefore } from './audit-window.js';

/** A forwards-only log over `ids` (sorted), counting the records each read returns. */
function log(ids: number[]) {
  const stats = { reads: 0, returned: 0 };
  const read = async (afterId: number, limit: number) => {
    const out = ids.filter((id) => id > afterId).slice(0, limit).map((id) => ({ id }));
    stats.reads++;
    stats.returned += out.length;
    return out;
  };
  return { read, stats };
}

test('the newest `size` records below an id, newest first, for dense and sparse (filtered) logs', async () => {
  const dense = Array.from({ length: 237 }, (_, i) => i + 1);
  const sparse = dense.filter((id) => id % 7 === 3 || id > 230);
  for (const ids of [dense, sparse, [5], []]) {
    const { read } = log(ids);
    for (const size of [1, 3, 25]) {
      for (const before of [undefined, 1, 2, 4, 10, 100, 231, 500]) {
        const want = ids.filter((id) => before === undefined || id < before).slice(-size).reverse();
        const got = (await newestBefore(read, size, before)).map((r) => r.id);
        assert.deepEqual(got, want, `ids ${ids.length}, size ${size}, before ${before}`);
      }
    }
  }
});

test('a page of a long log reads a few small ranges, not the log', async () => {
  const ids = Array.from({ length: 200_000 }, (_, i) => i + 1);
  const { read, stats } = log(ids);
  const page = await newestBefore(read, 50, undefined);
  assert.deepEqual([page[0]!.id, page.at(-1)!.id, page.length], [200_000, 199_951, 50]);
  assert.ok(stats.returned < 50 * 40, `read ${stats.returned} records for a page of 50`);
});
