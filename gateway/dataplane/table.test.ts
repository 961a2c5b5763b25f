// Unit tests of the table reads and the removal probe through the recording nft fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftRunnerFake } from './nft-runner.fake.js';
import { probeRemovalMode } from './table.js';

test('the removal probe: expire when the kernel dropped the element, delete when it kept it; the scratch set always goes', async () => {
  const gone = new NftRunnerFake();
  assert.equal(await probeRemovalMode(gone), 'expire');
  assert.deepEqual(gone.applied.map((t) => t.split(' ').slice(0, 2).join(' ')), ['add set', 'add element', 'delete set']);
  assert.match(gone.applied[1], /removal_probe \{ 127\.0\.0\.1 \. 127\.0\.0\.1 \. tcp \. 1 timeout 1000ms expires 1ms \}/);

  const kept = new NftRunnerFake();
  kept.sets.set('removal_probe', '{"nftables": [{"set": {"name": "removal_probe", "elem": [{"concat": ["127.0.0.1", "127.0.0.1", "tcp", 1]}]}}]}');
  assert.equal(await probeRemovalMode(kept), 'delete');
  assert.equal(kept.applied.at(-1), 'delete set inet wicket removal_probe\n');
});
