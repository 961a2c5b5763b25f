// Watch fan-out: the clients following a session (Client.Watch streams) by session id, and
// a summary of the session state they were last sent: after notifications from other
// controllers may have been lost, the session manager re-reads the watched sessions and
// tells only those whose state differs from it.
import type { SessionEvent } from '../../proto/generated/wicket/v1/SessionEvent.js';

export interface Watcher {
  send(event: SessionEvent): void;
  /** The session ended: no more events will come. */
  close(): void;
}

export class SessionEvents {
  private readonly watchers = new Map<string, Set<Watcher>>();
  /** Per watched session, the summary of the state its watchers were last sent. */
  private readonly sent = new Map<string, string>();

  /** Follows a session until `close` or the returned function is called. */
  subscribe(sessionId: string, watcher: Watcher): () => void {
    const set = this.watchers.get(sessionId) ?? new Set();
    set.add(watcher);
    this.watchers.set(sessionId, set);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(sessionId) === set) {
        this.watchers.delete(sessionId);
        this.sent.delete(sessionId);
      }
    };
  }

  emit(sessionId: string, event: SessionEvent): void {
    for (const w of this.watchers.get(sessionId) ?? []) w.send(event);
  }

  /**
   * Records what the session's watchers were sent (a summary of the state); `first`: only
   * when nothing is recorded yet (the current state a new Watch opens with, which an event
   * sent meanwhile supersedes). Nothing is kept for a session nobody watches.
   */
  noteSent(sessionId: string, summary: string, first = false): void {
    if (!this.watchers.has(sessionId) || (first && this.sent.has(sessionId))) return;
    this.sent.set(sessionId, summary);
  }

  /** The summary last recorded by noteSent, while the session is watched. */
  lastSent(sessionId: string): string | undefined {
    return this.sent.get(sessionId);
  }

  /** The sessions with at least one watcher here. */
  watched(): string[] {
    return [...this.watchers.keys()];
  }

  close(sessionId: string): void {
    const set = this.watchers.get(sessionId);
    this.watchers.delete(sessionId);
    this.sent.delete(sessionId);
    for (const w of set ?? []) w.close();
  }

  closeAll(): void {
    for (const id of [...this.watchers.keys()]) this.close(id);
  }

  watching(sessionId: string): number {
    return this.watchers.get(sessionId)?.size ?? 0;
  }

  /** How many sessions have at least one Watch stream here. */
  watchedSessions(): number {
    return this.watchers.size;
  }
}
