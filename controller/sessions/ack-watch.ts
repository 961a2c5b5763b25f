// Admin.WatchSession's followers: admins watching one session's change reach its gateways.
// A follower gets the session's view when it starts, then again each time one of the
// session's gateways acknowledges a version covering the session's latest change, and is
// ended once every gateway has. Driven by the fan-out's ack path (`acked`), never by
// polling; the number of followers is bounded because each holds a stream open. Acks and
// new followers are handled one after the other (each reads the store), so a later one never
// overtakes.
import type { Session } from '../../proto/generated/wicket/v1/Session.js';
import { notFound, resourceExhausted } from '../errors.js';
import type { SessionGatewayRecord, SessionRecord } from './session-store.js';

export interface AckFollower {
  send(view: Session): void;
  /** Every gateway has acknowledged (or the controller stops): no more views will come. */
  end(): void;
}

export interface AckWatchDeps {
  sessions: { get(id: string): Promise<SessionRecord | undefined>; gateways(id: string): Promise<SessionGatewayRecord[]> };
  view(s: SessionRecord, gateways: SessionGatewayRecord[]): Promise<Session>;
}

/** Followers held at most at once (each is an open stream). */
export const MAX_ACK_FOLLOWERS = 64;

const pendingOn = (gateways: SessionGatewayRecord[]) => new Set(gateways.filter((g) => g.ackedAtMs === null).map((g) => g.gateway));

export class AckWatch {
  /** Per watched session, its followers and the gateways whose ack it still waits for. */
  private readonly watched = new Map<string, { followers: Set<AckFollower>; pending: Set<string> }>();
  private count = 0;
  /** The end of the queue of acks being handled. */
  private handling: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AckWatchDeps, private readonly max = MAX_ACK_FOLLOWERS) {}

  /**
   * Starts following a session: sends its view now; resolves with how to stop following.
   * Queued with the acks: an ack handled while the session is read would find no follower
   * yet, and the pending set read before it would then wait for that ack for ever.
   */
  follow(sessionId: string, follower: AckFollower): Promise<() => void> {
    const run = this.handling.then(() => this.start(sessionId, follower));
    this.handling = run.then(() => undefined, () => undefined);
    return run;
  }

  private async start(sessionId: string, follower: AckFollower): Promise<() => void> {
    const s = await this.deps.sessions.get(sessionId);
    if (!s) throw notFound(`no session ${sessionId}`);
    const gateways = await this.deps.sessions.gateways(sessionId);
    const pending = pendingOn(gateways);
    const view = await this.deps.view(s, gateways);
    if (pending.size === 0) {
      follower.send(view);
      follower.end();
      return () => undefined;
    }
    // Checked after the last await, so followers starting at once cannot pass the bound.
    if (this.count >= this.max) throw resourceExhausted(`at most ${this.max} session watches at once; try again later`);
    const entry = this.watched.get(sessionId) ?? { followers: new Set<AckFollower>(), pending };
    entry.pending = pending;
    entry.followers.add(follower);
    this.watched.set(sessionId, entry);
    this.count++;
    follower.send(view);
    return () => this.unfollow(sessionId, follower);
  }

  private unfollow(sessionId: string, follower: AckFollower): void {
    const entry = this.watched.get(sessionId);
    if (!entry?.followers.delete(follower)) return;
    this.count--;
    if (entry.followers.size === 0) this.watched.delete(sessionId);
  }

  /**
   * `gateway` acknowledged a version (already recorded on the sessions it covers). Each
   * watched session's pending set is read again, so a change made while it is watched (a
   * re-evaluation, a second revoke) is followed too.
   */
  acked(gateway: string): Promise<void> {
    const run = this.handling.then(() => this.handleAck(gateway));
    this.handling = run.catch(() => undefined);
    return run;
  }

  private async handleAck(gateway: string): Promise<void> {
    for (const [sessionId, entry] of [...this.watched]) {
      const s = await this.deps.sessions.get(sessionId);
      const gateways = await this.deps.sessions.gateways(sessionId);
      // Its followers may have gone (or all ended) while the store was read.
      if (this.watched.get(sessionId) !== entry) continue;
      const pending = pendingOn(gateways);
      const news = entry.pending.has(gateway) && !pending.has(gateway);
      entry.pending = pending;
      if (news && s) {
        const view = await this.deps.view(s, gateways);
        if (this.watched.get(sessionId) !== entry) continue;
        for (const f of entry.followers) f.send(view);
      }
      if (pending.size === 0 || !s) this.endAll(sessionId);
    }
  }

  private endAll(sessionId: string): void {
    const entry = this.watched.get(sessionId);
    if (!entry) return;
    this.watched.delete(sessionId);
    this.count -= entry.followers.size;
    for (const f of entry.followers) f.end();
  }

  /** Ends every follower (controller shutdown). */
  close(): void {
    for (const id of [...this.watched.keys()]) this.endAll(id);
  }

  get following(): number {
    return this.count;
  }
}
