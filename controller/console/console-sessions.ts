// The admins signed in to the console. A console session is an ordinary admin device
// credential held for one browser: the private key the console made at sign-in, the
// certificate the controller's login issued for it, and an Admin API channel that presents
// that certificate. The browser holds only a random cookie naming the session; it never sees
// the key. Sessions live in memory: a controller restart signs everyone out, and the key
// is never written anywhere.
import { randomBytes } from 'node:crypto';
import { apiClients, type ClientCredentials } from '../../common/grpc.js';
import type { AdminClient } from '../../proto/generated/wicket/v1/Admin.js';

export interface ConsoleSessionLimits {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in whatever happens (capped by its certificate). */
  maxAgeMs: number;
  /** Signed-in sessions kept at most; the least recently used one ends first. */
  max: number;
}

export const DEFAULT_CONSOLE_SESSION_LIMITS: ConsoleSessionLimits = { idleMs: 30 * 60_000, maxAgeMs: 8 * 3_600_000, max: 256 };

export interface ConsoleSession {
  readonly id: string;
  readonly user: string;
  readonly deviceId: string;
  readonly expiresAtMs: number;
  lastUsedMs: number;
  /** The Admin API as this admin (their own certificate). */
  readonly admin: AdminClient;
}

interface Held extends ConsoleSession { close(): void }

export interface NewSession { user: string; deviceId: string; certificateExpiresAtMs: number; credentials: ClientCredentials }

export class ConsoleSessions {
  // Map order is use order: a session is re-inserted when used, so the first is the least recent.
  private readonly held = new Map<string, Held>();

  constructor(private readonly apiAddress: string, private readonly limits: ConsoleSessionLimits, private readonly now: () => number) {}

  create(s: NewSession): ConsoleSession {
    const now = this.now();
    const id = randomBytes(32).toString('base64url');
    const clients = apiClients(this.apiAddress, s.credentials);
    const held: Held = {
      id, user: s.user, deviceId: s.deviceId, lastUsedMs: now, admin: clients.admin,
      expiresAtMs: Math.min(now + this.limits.maxAgeMs, s.certificateExpiresAtMs), close: () => clients.close(),
    };
    this.held.set(id, held);
    while (this.held.size > this.limits.max) this.end(this.held.keys().next().value!);
    return held;
  }

  /** The live session a cookie names (and marks it used), or undefined. */
  use(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const s = this.held.get(id);
    if (!s) return undefined;
    const now = this.now();
    if (now >= s.expiresAtMs || now - s.lastUsedMs >= this.limits.idleMs) {
      this.end(id);
      return undefined;
    }
    s.lastUsedMs = now;
    this.held.delete(id);
    this.held.set(id, s);
    return s;
  }

  end(id: string): void {
    const s = this.held.get(id);
    if (!s) return;
    this.held.delete(id);
    s.close();
  }

  get size(): number {
    return this.held.size;
  }

  closeAll(): void {
    for (const id of [...this.held.keys()]) this.end(id);
  }
}
