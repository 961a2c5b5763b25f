// Unit tests for learned DNS routes: bounded, refreshed, pruned when the name is no longer granted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LearnedRoutes } from './learned-routes.js';

const dc1 = { primary: 'dc1a', standbys: ['dc1b'] };

test('answers become host CIDRs carried like their name; the oldest goes past the limit', () => {
  const l = new LearnedRoutes(3);
  assert.equal(l.add('app.corp.internal', dc1, ['10.20.0.10', 'fd20::10']), true);
  assert.equal(l.add('app.corp.internal', dc1, ['10.20.0.10']), false, 'the same answer again changes nothing');
  assert.deepEqual(l.list(), [{ cidr: 'fd20::10/128', ...dc1 }, { cidr: '10.20.0.10/32', ...dc1 }]);
  assert.equal(l.add('b.corp.internal', { primary: 'dc2', standbys: [] }, ['10.30.0.1', '10.30.0.2']), true);
  assert.deepEqual(l.list().map((e) => e.cidr), ['10.20.0.10/32', '10.30.0.1/32', '10.30.0.2/32']);
});

test('entries whose name is no longer covered are dropped', () => {
  const l = new LearnedRoutes();
  l.add('app.corp.internal', dc1, ['10.20.0.10']);
  l.add('x.wild.internal', dc1, ['10.20.0.11']);
  assert.equal(l.prune(['*.wild.internal']), true);
  assert.deepEqual(l.list().map((e) => e.cidr), ['10.20.0.11/32']);
  assert.equal(l.prune(['*.wild.internal']), false);
  l.prune([]);
  assert.deepEqual(l.list(), []);
});
