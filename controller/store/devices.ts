// Devices: one row per device key a user logged in with.
import type { DB } from './db.js';
import type { Device__Output as Device } from '../../proto/generated/wicket/v1/Device.js';
import type { Posture__Output as Posture } from '../../proto/generated/wicket/v1/Posture.js';
import { EMPTY_POSTURE } from '../policy/posture.js';

interface DeviceRow { id: string; user_name: string; name: string; blocked: number; blocked_reason: string; first_seen_ms: number; last_seen_ms: number; posture_json: string }


function toDevice(r: DeviceRow): Device {
  return { id: r.id, username: r.user_name, name: r.name, blocked: r.blocked === 1, firstSeenMs: r.first_seen_ms, lastSeenMs: r.last_seen_ms, posture: { ...EMPTY_POSTURE, ...(JSON.parse(r.posture_json) as Partial<Posture>) } };
}

export class DeviceStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      seen: db.prepare(`INSERT INTO devices (id, user_name, name, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET user_name = excluded.user_name, name = excluded.name, last_seen_ms = excluded.last_seen_ms`),
      get: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
      list: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY user_name, id'),
      block: db.prepare('UPDATE devices SET blocked = ?, blocked_reason = ? WHERE id = ?'),
      posture: db.prepare('UPDATE devices SET posture_json = ?, last_seen_ms = ? WHERE id = ?'),
    };
  }

  /** Records a login from a device (creating it on first sight). */
  seen(id: string, user: string, name: string, nowMs: number): void {
    this.stmts.seen.run(id, user, name, nowMs, nowMs);
  }

  get(id: string): (Device & { blockedReason: string }) | undefined {
    const r = this.stmts.get.get(id);
    return r && { ...toDevice(r), blockedReason: r.blocked_reason };
  }

  isBlocked(id: string): boolean {
    return this.stmts.get.get(id)?.blocked === 1;
  }

  list(): Device[] {
    return this.stmts.list.all().map(toDevice);
  }

  /** Returns false when there is no such device. */
  setBlocked(id: string, blocked: boolean, reason: string): boolean {
    return this.stmts.block.run(blocked ? 1 : 0, reason, id).changes === 1;
  }

  recordPosture(id: string, posture: Posture, nowMs: number): void {
    this.stmts.posture.run(JSON.stringify(posture), nowMs, id);
  }
}
