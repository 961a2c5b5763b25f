// The admins signed in to the console. A console session is an ordinary admin device
// credential held for one browser: the private key the console made at sign-in, the
// certificate the controller's login issued for it, and an Admin API channel that presents
// that certificate. The browser holds only a random cookie naming the session; it never sees
// the key. Sessions live in memory: a controller restart signs everyone out, and the key
// is never written anywhere.
import { apiClients, type ClientCredentials } from '../../common/grpc.js';
import type { AdminClient } from '../../proto/generated/wicket/v1/Admin.js';
import { SessionTable, type SessionLimits } from './session-table.js';

export type ConsoleSessionLimits = SessionLimits;

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
  private readonly table: SessionTable<Held>;

  constructor(private readonly apiAddress: string, limits: ConsoleSessionLimits, now: () => number) {
    this.table = new SessionTable<Held>(limits, now, (s) => s.close());
  }

  create(s: NewSession): ConsoleSession {
    return this.table.create((id, expiresAtMs, now) => {
      const clients = apiClients(this.apiAddress, s.credentials);
      return { id, user: s.user, deviceId: s.deviceId, lastUsedMs: now, admin: clients.admin, expiresAtMs, close: () => clients.close() };
    }, s.certificateExpiresAtMs);
  }

  /** The live session a cookie names (and marks it used), or undefined. */
  use(id: string | undefined): ConsoleSession | undefined {
    return this.table.use(id);
  }

  end(id: string): void {
    this.table.end(id);
  }

  get size(): number {
    return this.table.size;
  }

  closeAll(): void {
    this.table.endAll();
  }
}
