// Coalescing of queued sync messages. While the data plane applies one version, more may
// arrive (a burst of Connects); applying them one process spawn at a time would make the
// gateway's throughput the inverse of one apply's latency. Instead the agent takes all that
// is queued at once: a snapshot supersedes everything queued before it, and a run of
// consecutive deltas merges into one (the last change of each session wins), acked with the
// newest version — an ack covers every earlier version. A delta's configuration replaces the
// one before, so the last one set in the run wins. Pure.
import type { SyncDown__Output } from '../../proto/generated/wicket/v1/SyncDown.js';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { GatewayConfig__Output } from '../../proto/generated/wicket/v1/GatewayConfig.js';

export type Work =
  | { kind: 'snapshot'; message: SyncDown__Output }
  | { kind: 'delta'; firstVersion: number; version: number; upserts: GatewaySession__Output[]; removes: string[]; config: GatewayConfig__Output | null; merged: number }
  | { kind: 'other'; message: SyncDown__Output };

/** Removes the next unit of work from the head of `queue` (which must not be empty). */
export function takeWork(queue: SyncDown__Output[]): Work {
  const lastSnapshot = queue.findLastIndex((m) => m.msg === 'snapshot' && m.snapshot);
  if (lastSnapshot > 0) queue.splice(0, lastSnapshot);
  const head = queue.shift()!;
  if (head.msg === 'snapshot' && head.snapshot) return { kind: 'snapshot', message: head };
  if (head.msg !== 'delta' || !head.delta) return { kind: 'other', message: head };

  const latest = new Map<string, GatewaySession__Output | null>();
  let config: GatewayConfig__Output | null = null;
  const record = (m: SyncDown__Output) => {
    config = m.delta!.config ?? config;
    for (const id of m.delta!.removes) latest.set(id, null);
    for (const s of m.delta!.upserts) latest.set(s.id, s);
  };
  record(head);
  let version = head.delta.version;
  let merged = 1;
  while (queue[0]?.msg === 'delta' && queue[0].delta && queue[0].delta.version === version + 1) {
    const next = queue.shift()!;
    record(next);
    version = next.delta!.version;
    merged += 1;
  }
  const upserts: GatewaySession__Output[] = [];
  const removes: string[] = [];
  for (const [id, s] of latest) {
    if (s) upserts.push(s);
    else removes.push(id);
  }
  return { kind: 'delta', firstVersion: head.delta.version, version, upserts, removes, config, merged };
}
