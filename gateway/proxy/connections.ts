// The client connections of the proxy, by session, each with what it is doing now (the
// request or upgrade in flight) and the resource it last asked for. This is what makes
// revocation immediate: a removed session loses every socket at once, and a narrowed one
// loses each socket whose request in flight is no longer allowed, and every socket (idle
// keep-alive included) on a resource it holds no grant for any more.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { decideHttp, type CanonicalPath } from '../../common/http-rules.js';
import { rulesAt, type Caller } from './callers.js';

export interface InFlight {
  resource: string;
  method: string;
  path: CanonicalPath;
}

interface Tracked {
  sessionId: string;
  /** The resource of the last request on this socket. */
  resource: string | undefined;
  /** Requests in flight: usually one, more when a client pipelines. */
  inFlight: Set<InFlight>;
  /** For an upgraded connection, the upstream side (destroyed with the client side). */
  upstream: Duplex | undefined;
}

export class ConnectionTracker {
  private readonly sockets = new Map<Socket, Tracked>();
  private readonly bySession = new Map<string, Set<Socket>>();

  /** Sockets held for a session (for tests and metrics). */
  count(sessionId: string): number {
    return this.bySession.get(sessionId)?.size ?? 0;
  }

  /**
   * Ties a socket to a session (at connection, and again at each request). A socket already
   * tied to another session is refused: an overlay address passed on must not inherit
   * connections. Returns false when the socket was destroyed for that reason.
   */
  attach(socket: Socket, sessionId: string): boolean {
    const t = this.sockets.get(socket);
    if (t) {
      if (t.sessionId === sessionId) return true;
      socket.destroy();
      return false;
    }
    this.sockets.set(socket, { sessionId, resource: undefined, inFlight: new Set(), upstream: undefined });
    let set = this.bySession.get(sessionId);
    if (!set) this.bySession.set(sessionId, set = new Set());
    set.add(socket);
    socket.once('close', () => this.detach(socket));
    return true;
  }

  begin(socket: Socket, inFlight: InFlight): void {
    const t = this.sockets.get(socket);
    if (!t) return;
    t.inFlight.add(inFlight);
    t.resource = inFlight.resource;
  }

  end(socket: Socket, inFlight: InFlight): void {
    this.sockets.get(socket)?.inFlight.delete(inFlight);
  }

  upgraded(socket: Socket, upstream: Duplex): void {
    const t = this.sockets.get(socket);
    if (t) t.upstream = upstream;
    else upstream.destroy();
  }

  /** Destroys every socket of a session; returns how many. */
  closeSession(sessionId: string): number {
    const set = this.bySession.get(sessionId);
    if (!set) return 0;
    const all = [...set];
    for (const s of all) this.kill(s);
    return all.length;
  }

  /** Destroys the sockets of `caller` that its (new) grants no longer allow at `nowMs`. */
  recheck(caller: Caller, nowMs: number): number {
    const set = this.bySession.get(caller.sessionId);
    if (!set) return 0;
    const hasAny = [...caller.grants.keys()].some((r) => rulesAt(caller, r, nowMs).length > 0);
    let n = 0;
    for (const s of [...set]) {
      const t = this.sockets.get(s)!;
      let keep = hasAny;
      if (keep && t.resource !== undefined) keep = rulesAt(caller, t.resource, nowMs).length > 0;
      for (const f of t.inFlight) if (keep) keep = decideHttp(rulesAt(caller, f.resource, nowMs), f.method, f.path, f.resource).allowed;
      if (!keep) {
        this.kill(s);
        n += 1;
      }
    }
    return n;
  }

  /** Destroys every tracked socket (the listener is going). */
  closeAll(): void {
    for (const s of [...this.sockets.keys()]) this.kill(s);
  }

  private kill(socket: Socket): void {
    const t = this.sockets.get(socket);
    t?.upstream?.destroy();
    socket.destroy();
    this.detach(socket);
  }

  private detach(socket: Socket): void {
    const t = this.sockets.get(socket);
    if (!t) return;
    this.sockets.delete(socket);
    const set = this.bySession.get(t.sessionId);
    set?.delete(socket);
    if (set && set.size === 0) this.bySession.delete(t.sessionId);
  }
}
