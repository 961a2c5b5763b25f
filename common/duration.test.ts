// Unit tests of duration parsing and formatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDuration, parseDuration } from './duration.js';

test('parses single and compound durations', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('15m'), 900_000);
  assert.equal(parseDuration('12h'), 43_200_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1m5s'), 65_000);
});

test('rejects anything else with a clear message', () => {
  for (const bad of ['', '10', 'h', '1.5h', '-1h', '1 h', '1y', 'soon', '1h-', '9'.repeat(30) + 'd']) {
    assert.throws(() => parseDuration(bad), /invalid duration/, bad);
  }
});

test('formats as the shortest form and round-trips', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(86_400_000 + 1), '1d1ms');
  fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => parseDuration(formatDuration(ms)) === ms));
});
