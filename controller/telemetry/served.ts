// A gateway speaks only about the sessions it serves (pure): the records of a batch that name
// a session the reporting gateway holds no peer entry for (session_gateways: current
// sessions, and ended ones it served, whose late flows still count) are split off, so that a
// compromised gateway cannot write flows into another gateway's sessions or have them revoked
// as probing. Denied attempts attributed to no session (spoofed or resource-initiated
// traffic) and HTTP requests without one (a browser on the public listener) stay: they
// accuse nobody.
import type { TelemetryBatch__Output as TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';

/** Every session id a batch names (each once). */
export function sessionIdsOf(b: TelemetryBatch): string[] {
  const ids = new Set<string>();
  for (const list of [b.peers, b.counters, b.denied, b.flows, b.httpRequests]) for (const r of list) if (r.sessionId) ids.add(r.sessionId);
  return [...ids];
}

/** The batch without records of sessions outside `served`, and how many records were dropped. */
export function keepServed(b: TelemetryBatch, served: ReadonlySet<string>): { batch: TelemetryBatch; foreign: number } {
  const ours = <T extends { sessionId: string }>(list: T[]): T[] => (list.every((r) => !r.sessionId || served.has(r.sessionId)) ? list : list.filter((r) => !r.sessionId || served.has(r.sessionId)));
  const batch = { ...b, peers: ours(b.peers), counters: ours(b.counters), denied: ours(b.denied), flows: ours(b.flows), httpRequests: ours(b.httpRequests) };
  const foreign = b.peers.length + b.counters.length + b.denied.length + b.flows.length + b.httpRequests.length
    - (batch.peers.length + batch.counters.length + batch.denied.length + batch.flows.length + batch.httpRequests.length);
  return { batch, foreign };
}
