// The fence parser of the nft -i shell, on stderr text as nft 1.0.6 writes it. (The shell
// itself runs against real nft in test/e2e/dataplane.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitAtFence } from './nft-shell.js';

const fence = (n: number) => `Error: No such file or directory\nlist set inet wicket wicket_fence_${n}\n                 ^^^^^^^^^^^^^^^^^^^^\n`;

test('a fence alone: the transaction printed nothing', () => {
  assert.deepEqual(splitAtFence(fence(3), 3), { output: '', rest: '' });
});

test("the transaction's error is what came before the fence; what follows is kept", () => {
  const own = 'Error: Could not process rule: No such file or directory\nadd element inet wicket allow { 1.2.3.4 }\n                   ^^^^^\n';
  const next = 'Error: something';
  assert.deepEqual(splitAtFence(own + fence(7) + next, 7), { output: own.trim(), rest: next });
});

test('an incomplete fence, or another fence number, is not a match yet', () => {
  const full = fence(5);
  assert.equal(splitAtFence(full.slice(0, full.lastIndexOf('^')), 5), undefined);
  assert.equal(splitAtFence(full, 6), undefined);
  assert.equal(splitAtFence(fence(15), 1), undefined);
});
