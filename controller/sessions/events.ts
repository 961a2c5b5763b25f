// Watch fan-out: the clients following a session (Client.Watch streams) by session id.
import type { SessionEvent } from '../../proto/generated/wicket/v1/SessionEvent.js';

export interface Watcher {
  send(event: SessionEvent): void;
  /** The session ended: no more events will come. */
  close(): void;
}

export class SessionEvents {
  private readonly watchers = new Map<string, Set<Watcher>>();

  /** Follows a session until `close` or the returned function is called. */
  subscribe(sessionId: string, watcher: Watcher): () => void {
    const set = this.watchers.get(sessionId) ?? new Set();
    set.add(watcher);
    this.watchers.set(sessionId, set);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(sessionId) === set) this.watchers.delete(sessionId);
    };
  }

  emit(sessionId: string, event: SessionEvent): void {
    for (const w of this.watchers.get(sessionId) ?? []) w.send(event);
  }

  close(sessionId: string): void {
    const set = this.watchers.get(sessionId);
    this.watchers.delete(sessionId);
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
