// Gateways (enrolled, with their sync state) and the one-time join tokens that enroll them.
import type { DB } from './db.js';

export interface GatewayRecord {
  name: string;
  certSerial: string;
  endpoint: string;
  publicKey: string;
  enrolledAtMs: number;
  desiredVersion: number;
  appliedVersion: number;
  lastAckMs: number;
  lastApplyUs: number;
  lastReportMs: number;
  connected: boolean;
  connectedSinceMs: number;
}

interface GatewayRow {
  name: string; cert_serial: string; endpoint: string; public_key: string; enrolled_at_ms: number; desired_version: number;
  applied_version: number; last_ack_ms: number; last_apply_us: number; last_report_ms: number; connected: number; connected_since_ms: number;
}

function toRecord(r: GatewayRow): GatewayRecord {
  return {
    name: r.name, certSerial: r.cert_serial, endpoint: r.endpoint, publicKey: r.public_key, enrolledAtMs: r.enrolled_at_ms,
    desiredVersion: r.desired_version, appliedVersion: r.applied_version, lastAckMs: r.last_ack_ms, lastApplyUs: r.last_apply_us,
    lastReportMs: r.last_report_ms, connected: r.connected === 1, connectedSinceMs: r.connected_since_ms,
  };
}

export class GatewayStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      addToken: db.prepare('INSERT INTO join_tokens (token_hash, gateway_name, created_by, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)'),
      useToken: db.prepare<[number, string, number], { gateway_name: string }>(
        'UPDATE join_tokens SET used_at_ms = ? WHERE token_hash = ? AND used_at_ms IS NULL AND expires_at_ms > ? RETURNING gateway_name'),
      enroll: db.prepare(`INSERT INTO gateways (name, cert_serial, enrolled_at_ms) VALUES (?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET cert_serial = excluded.cert_serial, enrolled_at_ms = excluded.enrolled_at_ms`),
      get: db.prepare<[string], GatewayRow>('SELECT * FROM gateways WHERE name = ?'),
      list: db.prepare<[], GatewayRow>('SELECT * FROM gateways ORDER BY name'),
      hello: db.prepare('UPDATE gateways SET endpoint = ?, public_key = ?, connected = 1, connected_since_ms = ? WHERE name = ?'),
      disconnected: db.prepare('UPDATE gateways SET connected = 0 WHERE name = ?'),
      resetConnected: db.prepare('UPDATE gateways SET connected = 0'),
      desired: db.prepare('UPDATE gateways SET desired_version = ? WHERE name = ?'),
      ack: db.prepare('UPDATE gateways SET applied_version = ?, last_apply_us = ?, last_ack_ms = ? WHERE name = ?'),
      report: db.prepare('UPDATE gateways SET last_report_ms = ? WHERE name = ?'),
    };
  }

  /** Stores a join token by its hash. */
  addToken(tokenHash: string, gateway: string, createdBy: string, nowMs: number, expiresAtMs: number): void {
    this.stmts.addToken.run(tokenHash, gateway, createdBy, nowMs, expiresAtMs);
  }

  /** Marks an unused, unexpired token used and returns its gateway name; undefined otherwise. */
  useToken(tokenHash: string, nowMs: number): string | undefined {
    return this.stmts.useToken.get(nowMs, tokenHash, nowMs)?.gateway_name;
  }

  /** Creates or re-enrolls a gateway: `certSerial` becomes its only accepted certificate. */
  enroll(name: string, certSerial: string, nowMs: number): void {
    this.stmts.enroll.run(name, certSerial, nowMs);
  }

  get(name: string): GatewayRecord | undefined {
    const r = this.stmts.get.get(name);
    return r && toRecord(r);
  }

  list(): GatewayRecord[] {
    return this.stmts.list.all().map(toRecord);
  }

  /** The gateway opened its Sync stream and said hello. */
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
}
