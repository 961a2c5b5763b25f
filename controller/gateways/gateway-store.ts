// Gateways (enrolled, with their sync state) and the one-time join tokens that enroll them.
// A gateway's WireGuard public key and endpoint are bound: set at enrollment (the endpoint
// from the join token, when the admin gave one) or, when empty, at the first Hello.
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../store/database.js';
import type { Schema, GatewaysTable } from '../store/schema.js';

export interface GatewayRecord {
  name: string;
  certSerial: string;
  /** The endpoint the gateway may announce ('' = not bound yet: the next Hello binds it). */
  endpoint: string;
  /** The gateway's WireGuard public key ('' = enrolled before keys were bound: the next Hello binds it). */
  publicKey: string;
  enrolledAtMs: number;
  desiredVersion: number;
  appliedVersion: number;
  lastAckMs: number;
  lastApplyUs: number;
  lastReportMs: number;
  connected: boolean;
  connectedSinceMs: number;
  /** The controller holding its Sync stream ('' = none): controller/gateways/presence.ts. */
  holder: string;
  /** The gateway's overlay address for its proxy ('' = not assigned yet). */
  serviceAddress: string;
}

function toRecord(r: Selectable<GatewaysTable>): GatewayRecord {
  return {
    name: r.name, certSerial: r.cert_serial, endpoint: r.endpoint, publicKey: r.public_key, enrolledAtMs: r.enrolled_at_ms,
    desiredVersion: r.desired_version, appliedVersion: r.applied_version, lastAckMs: r.last_ack_ms, lastApplyUs: r.last_apply_us,
    lastReportMs: r.last_report_ms, connected: r.connected === 1, connectedSinceMs: r.connected_since_ms, holder: r.holder,
    serviceAddress: r.service_address,
  };
}

export class GatewayStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /** Stores a join token by its hash, with the endpoint its gateway may announce ('' = the first one it announces). */
  async addToken(tokenHash: string, gateway: string, createdBy: string, nowMs: number, expiresAtMs: number, endpoint = ''): Promise<void> {
    await this.db.insertInto('join_tokens')
      .values({ token_hash: tokenHash, gateway_name: gateway, created_by: createdBy, created_at_ms: nowMs, expires_at_ms: expiresAtMs, endpoint })
      .execute();
  }

  /** Marks an unused, unexpired token used and returns its gateway name and allowed endpoint; undefined otherwise. */
  async useToken(tokenHash: string, nowMs: number): Promise<{ gateway: string; endpoint: string } | undefined> {
    const r = await this.db.updateTable('join_tokens').set({ used_at_ms: nowMs })
      .where('token_hash', '=', tokenHash).where('used_at_ms', 'is', null).where('expires_at_ms', '>', nowMs)
      .returning(['gateway_name', 'endpoint']).executeTakeFirst();
    return r && { gateway: r.gateway_name, endpoint: r.endpoint };
  }

  /**
   * Creates or re-enrolls a gateway: `certSerial` becomes its only accepted certificate,
   * `publicKey` its only accepted WireGuard key, `endpoint` its only accepted endpoint ('' =
   * the first one it announces).
   */
  async enroll(name: string, certSerial: string, nowMs: number, publicKey: string, endpoint: string): Promise<void> {
    await this.db.insertInto('gateways')
      .values({ name, cert_serial: certSerial, enrolled_at_ms: nowMs, public_key: publicKey, endpoint })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({
        cert_serial: eb.ref('excluded.cert_serial'), enrolled_at_ms: eb.ref('excluded.enrolled_at_ms'),
        public_key: eb.ref('excluded.public_key'), endpoint: eb.ref('excluded.endpoint'),
      })))
      .execute();
  }

  async get(name: string): Promise<GatewayRecord | undefined> {
    const r = await this.db.selectFrom('gateways').selectAll().where('name', '=', name).executeTakeFirst();
    return r && toRecord(r);
  }

  /** Every gateway by name (an array: gateways are few). */
  async list(): Promise<GatewayRecord[]> {
    const rows = await this.db.selectFrom('gateways').selectAll().orderBy('name').execute();
    return rows.map(toRecord);
  }

  /**
   * The gateway opened its Sync stream on controller `holder` and said a Hello that matches
   * what is bound (binding what was not yet). The newest stream wins: an older one on another
   * controller is ended by the gateway itself, and its close no longer clears the row.
   */
  async markConnected(name: string, endpoint: string, publicKey: string, nowMs: number, holder: string): Promise<void> {
    await this.db.updateTable('gateways').set({ endpoint, public_key: publicKey, connected: 1, connected_since_ms: nowMs, holder }).where('name', '=', name).execute();
  }

  /**
   * The stream `holder` held closed: the gateway is disconnected, unless a newer stream (on
   * this or another controller) took it since. Returns whether the row changed.
   */
  async markDisconnected(name: string, holder: string): Promise<boolean> {
    const r = await this.db.updateTable('gateways').set({ connected: 0, holder: '' }).where('name', '=', name).where('holder', '=', holder).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Clears the gateways held by a controller not in `alive` (crashed, or stopped without
   * closing its streams): their streams are gone. Another alive controller's are left
   * alone. Returns the gateways cleared.
   */
  async clearHoldersOtherThan(alive: readonly string[]): Promise<string[]> {
    let q = this.db.updateTable('gateways').set({ connected: 0, holder: '' }).where((eb) => eb.or([eb('holder', '<>', ''), eb('connected', '=', 1)]));
    if (alive.length) q = q.where('holder', 'not in', alive);
    const rows = await q.returning('name').execute();
    return rows.map((r) => r.name).sort();
  }

  /** Each gateway with a holder: name → the controller id holding its stream. */
  async holders(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('gateways').select(['name', 'holder']).where('holder', '<>', '').execute();
    return new Map(rows.map((r) => [r.name, r.holder]));
  }

  async setDesiredVersion(name: string, version: number): Promise<void> {
    await this.db.updateTable('gateways').set({ desired_version: version }).where('name', '=', name).execute();
  }

  async recordAck(name: string, version: number, applyUs: number, nowMs: number): Promise<void> {
    await this.db.updateTable('gateways').set({ applied_version: version, last_apply_us: applyUs, last_ack_ms: nowMs }).where('name', '=', name).execute();
  }

  async recordReport(name: string, nowMs: number): Promise<void> {
    await this.db.updateTable('gateways').set({ last_report_ms: nowMs }).where('name', '=', name).execute();
  }

  /** Fails on an address another gateway holds (the unique index gateways_service_address). */
  async setServiceAddress(name: string, address: string): Promise<void> {
    await this.db.updateTable('gateways').set({ service_address: address }).where('name', '=', name).execute();
  }

  /** Whether `address` is some gateway's service address (one index lookup). */
  async isServiceAddress(address: string): Promise<boolean> {
    const row = await this.db.selectFrom('gateways').select('name').where('service_address', '=', address).where('service_address', '<>', '').executeTakeFirst();
    return row !== undefined;
  }
}
