// Gateways (enrolled, with their sync state) and the one-time join tokens that enroll them.
// A gateway's WireGuard public key and endpoint are bound: set at enrollment (the endpoint
// from the join token, when the admin gave one) or, when empty, at the first Hello.
import type { DB } from '../store/db.js';

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
  /** The gateway's overlay address for its proxy ('' = not assigned yet). */
  serviceAddress: string;
}

interface GatewayRow {
  name: string; cert_serial: string; endpoint: string; public_key: string; enrolled_at_ms: number; desired_version: number;
  applied_version: number; last_ack_ms: number; last_apply_us: number; last_report_ms: number; connected: number; connected_since_ms: number;
  service_address: string;
}

function toRecord(r: GatewayRow): GatewayRecord {
  return {
    name: r.name, certSerial: r.cert_serial, endpoint: r.endpoint, publicKey: r.public_key, enrolledAtMs: r.enrolled_at_ms,
    desiredVersion: r.desired_version, appliedVersion: r.applied_version, lastAckMs: r.last_ack_ms, lastApplyUs: r.last_apply_us,
    lastReportMs: r.last_report_ms, connected: r.connected === 1, connectedSinceMs: r.connected_since_ms,
    serviceAddress: r.service_address,
  };
}

export class GatewayStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      addToken: db.prepare('INSERT INTO join_tokens (token_hash, gateway_name, created_by, created_at_ms, expires_at_ms, endpoint) VALUES (?, ?, ?, ?, ?, ?)'),
      useToken: db.prepare<[number, string, number], { gateway_name: string; endpoint: string }>(
        'UPDATE join_tokens SET used_at_ms = ? WHERE token_hash = ? AND used_at_ms IS NULL AND expires_at_ms > ? RETURNING gateway_name, endpoint'),
      enroll: db.prepare(`INSERT INTO gateways (name, cert_serial, enrolled_at_ms, public_key, endpoint) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET cert_serial = excluded.cert_serial, enrolled_at_ms = excluded.enrolled_at_ms,
        public_key = excluded.public_key, endpoint = excluded.endpoint`),
      get: db.prepare<[string], GatewayRow>('SELECT * FROM gateways WHERE name = ?'),
      list: db.prepare<[], GatewayRow>('SELECT * FROM gateways ORDER BY name'),
      hello: db.prepare('UPDATE gateways SET endpoint = ?, public_key = ?, connected = 1, connected_since_ms = ? WHERE name = ?'),
      disconnected: db.prepare('UPDATE gateways SET connected = 0 WHERE name = ?'),
      resetConnected: db.prepare('UPDATE gateways SET connected = 0'),
      desired: db.prepare('UPDATE gateways SET desired_version = ? WHERE name = ?'),
      ack: db.prepare('UPDATE gateways SET applied_version = ?, last_apply_us = ?, last_ack_ms = ? WHERE name = ?'),
      report: db.prepare('UPDATE gateways SET last_report_ms = ? WHERE name = ?'),
      setServiceAddress: db.prepare('UPDATE gateways SET service_address = ? WHERE name = ?'),
      serviceAddressOwner: db.prepare<[string], { name: string }>("SELECT name FROM gateways WHERE service_address = ? AND service_address <> ''"),
    };
  }

  /** Stores a join token by its hash, with the endpoint its gateway may announce ('' = the first one it announces). */
  addToken(tokenHash: string, gateway: string, createdBy: string, nowMs: number, expiresAtMs: number, endpoint = ''): void {
    this.stmts.addToken.run(tokenHash, gateway, createdBy, nowMs, expiresAtMs, endpoint);
  }

  /** Marks an unused, unexpired token used and returns its gateway name and allowed endpoint; undefined otherwise. */
  useToken(tokenHash: string, nowMs: number): { gateway: string; endpoint: string } | undefined {
    const r = this.stmts.useToken.get(nowMs, tokenHash, nowMs);
    return r && { gateway: r.gateway_name, endpoint: r.endpoint };
  }

  /**
   * Creates or re-enrolls a gateway: `certSerial` becomes its only accepted certificate,
   * `publicKey` its only accepted WireGuard key, `endpoint` its only accepted endpoint ('' =
   * the first one it announces).
   */
  enroll(name: string, certSerial: string, nowMs: number, publicKey: string, endpoint: string): void {
    this.stmts.enroll.run(name, certSerial, nowMs, publicKey, endpoint);
  }

  get(name: string): GatewayRecord | undefined {
    const r = this.stmts.get.get(name);
    return r && toRecord(r);
  }

  list(): GatewayRecord[] {
    return this.stmts.list.all().map(toRecord);
  }

  /** The gateway opened its Sync stream and said a Hello that matches what is bound (binding what was not yet). */
  markConnected(name: string, endpoint: string, publicKey: string, nowMs: number): void {
    this.stmts.hello.run(endpoint, publicKey, nowMs, name);
  }

  markDisconnected(name: string): void {
    this.stmts.disconnected.run(name);
  }

  /** At controller start no stream is open yet, whatever the last run left behind. */
  markAllDisconnected(): void {
    this.stmts.resetConnected.run();
  }

  setDesiredVersion(name: string, version: number): void {
    this.stmts.desired.run(version, name);
  }

  recordAck(name: string, version: number, applyUs: number, nowMs: number): void {
    this.stmts.ack.run(version, applyUs, nowMs, name);
  }

  recordReport(name: string, nowMs: number): void {
    this.stmts.report.run(nowMs, name);
  }

  setServiceAddress(name: string, address: string): void {
    this.stmts.setServiceAddress.run(address, name);
  }

  /** Whether `address` is some gateway's service address (one index lookup). */
  isServiceAddress(address: string): boolean {
    return this.stmts.serviceAddressOwner.get(address) !== undefined;
  }
}
