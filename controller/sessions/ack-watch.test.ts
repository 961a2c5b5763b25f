// AckWatch without gRPC: views follow the recorded acks, a follower ends once every gateway
// has acknowledged, and the number of followers is bounded (a stopped one frees its place).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Session } from '../../proto/generated/wicket/v1/Session.js';
import { AckWatch, type AckFollower } from './ack-watch.js';
import type { SessionGatewayRecord, SessionRecord } from './session-store.js';

function setup(max = 2) {
  const rows = new Map<string, SessionGatewayRecord[]>();
  const row = (sessionId: string, gateway: string): SessionGatewayRecord => ({ sessionId, gateway, pskSealed: Buffer.alloc(0), version: 2, ackedAtMs: null });
  rows.set('s1', [row('s1', 'dc1'), row('s1', 'dc2')]);
  rows.set('s2', [row('s2', 'dc1')]);
  rows.set('s3', [row('s3', 'dc1')]);
  const watch = new AckWatch({
    sessions: { get: async (id) => (rows.has(id) ? ({ id } as SessionRecord) : undefined), gateways: async (id) => rows.get(id) ?? [] },
    view: async (s, gateways) => ({ id: s.id, acks: gateways.map((g) => ({ gateway: g.gateway, ackedAtMs: g.ackedAtMs ?? 0 })) }) as Session,
  }, max);
  const ack = async (gateway: string) => {
    for (const list of rows.values()) for (const g of list) if (g.gateway === gateway) g.ackedAtMs = 5;
    await watch.acked(gateway);
  };
  return { watch, ack };
}

function follower() {
  const views: Session[] = [];
  const f: AckFollower & { ended: boolean } = { ended: false, send: (v) => views.push(v), end: () => { f.ended = true; } };
  return { f, views };
}

test('a view per gateway that acknowledges, and the end once all have', async () => {
  const { watch, ack } = setup();
  const { f, views } = follower();
  await watch.follow('s1', f);
  await ack('dc1');
  assert.equal(f.ended, false);
  await ack('dc2');
  assert.equal(f.ended, true);
  assert.deepEqual(views.map((v) => v.acks!.map((a) => a.ackedAtMs)), [[0, 0], [5, 0], [5, 5]]);
  assert.equal(watch.following, 0);
});

test('followers are bounded; one that stops frees its place; an unknown session is refused', async () => {
  const { watch } = setup(2);
  const stop = await watch.follow('s1', follower().f);
  await watch.follow('s2', follower().f);
  await assert.rejects(watch.follow('s3', follower().f), /at most 2 session watches/);
  stop();
  await watch.follow('s3', follower().f);
  assert.equal(watch.following, 2);
  await assert.rejects(watch.follow('nope', follower().f), /no session nope/);
  watch.close();
  assert.equal(watch.following, 0);
});

test('an ack handled while a follower starts is not missed', async () => {
  const rows = [{ sessionId: 's1', gateway: 'dc1', pskSealed: Buffer.alloc(0), version: 2, ackedAtMs: null }] as SessionGatewayRecord[];
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  let viewing!: () => void;
  const viewAsked = new Promise<void>((resolve) => { viewing = resolve; });
  let hold = true;
  const watch = new AckWatch({
    sessions: { get: async (id) => ({ id }) as SessionRecord, gateways: async () => rows.map((r) => ({ ...r })) },
    view: async (s, gateways) => {
      if (hold) {
        hold = false;
        viewing();
        await held;
      }
      return { id: s.id, acks: gateways.map((g) => ({ gateway: g.gateway, ackedAtMs: g.ackedAtMs ?? 0 })) } as Session;
    },
  });
  const { f, views } = follower();
  const following = watch.follow('s1', f);
  // Whether the follower's view is being built (no fix) or it waits in the queue (fix), the
  // ack is recorded and handled now.
  await Promise.race([viewAsked, new Promise((resolve) => setTimeout(resolve, 20))]);
  rows[0]!.ackedAtMs = 5;
  const acked = watch.acked('dc1');
  release();
  await following;
  await acked;
  assert.equal(f.ended, true, 'the follower saw the ack and ended');
  assert.equal(views.at(-1)!.acks![0]!.ackedAtMs, 5);
  assert.equal(watch.following, 0);
});
