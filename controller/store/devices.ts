// Devices: one row per device key a user logged in with.
import type { Kysely, Selectable } from 'kysely';
import type { Schema, DevicesTable } from './schema.js';
import type { Dialect } from './database.js';
import type { Device__Output as Device } from '../../proto/generated/wicket/v1/Device.js';
import type { Posture__Output as Posture } from '../../proto/generated/wicket/v1/Posture.js';
import { EMPTY_POSTURE } from '../policy/posture.js';

function toDevice(r: Selectable<DevicesTable>): Device {
  return { id: r.id, username: r.user_name, name: r.name, blocked: r.blocked === 1, firstSeenMs: r.first_seen_ms, lastSeenMs: r.last_seen_ms, posture: { ...EMPTY_POSTURE, ...(JSON.parse(r.posture_json) as Partial<Posture>) } };
}

export class DeviceStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /** Records a login from a device (creating it on first sight). */
  async seen(id: string, user: string, name: string, nowMs: number): Promise<void> {
    await this.db.insertInto('devices')
      .values({ id, user_name: user, name, first_seen_ms: nowMs, last_seen_ms: nowMs })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ user_name: eb.ref('excluded.user_name'), name: eb.ref('excluded.name'), last_seen_ms: eb.ref('excluded.last_seen_ms') })))
      .execute();
  }

  async get(id: string): Promise<(Device & { blockedReason: string }) | undefined> {
    const r = await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { ...toDevice(r), blockedReason: r.blocked_reason };
  }

  async isBlocked(id: string): Promise<boolean> {
    const r = await this.db.selectFrom('devices').select('blocked').where('id', '=', id).executeTakeFirst();
    return r?.blocked === 1;
  }

  /** Every device (an array: one row per device a user logged in with). */
  async list(): Promise<Device[]> {
    const rows = await this.db.selectFrom('devices').selectAll().orderBy('user_name').orderBy('id').execute();
    return rows.map(toDevice);
  }

  /** Returns false when there is no such device. */
  async setBlocked(id: string, blocked: boolean, reason: string): Promise<boolean> {
    const r = await this.db.updateTable('devices').set({ blocked: blocked ? 1 : 0, blocked_reason: reason }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async recordPosture(id: string, posture: Posture, nowMs: number): Promise<void> {
    await this.db.updateTable('devices').set({ posture_json: JSON.stringify(posture), last_seen_ms: nowMs }).where('id', '=', id).execute();
  }
}
