// Certificates issued by the CA, kept so that they can be revoked (grpc-js has no CRLs;
// every API call checks the serial here).
import type { DB } from './db.js';

export type CertificateKind = 'admin' | 'gateway' | 'user' | 'server';

export interface IssuedCertificate {
  serial: string;
  kind: CertificateKind;
  subject: string;
  deviceId: string;
  issuedAtMs: number;
  notAfterMs: number;
}

export class CertificateStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      insert: db.prepare('INSERT INTO certificates (serial, kind, subject, device_id, issued_at_ms, not_after_ms) VALUES (?, ?, ?, ?, ?, ?)'),
      revoked: db.prepare<[string], { revoked_at_ms: number | null }>('SELECT revoked_at_ms FROM certificates WHERE serial = ?'),
      revoke: db.prepare('UPDATE certificates SET revoked_at_ms = ? WHERE serial = ? AND revoked_at_ms IS NULL'),
      revokeSubject: db.prepare('UPDATE certificates SET revoked_at_ms = ? WHERE kind = ? AND subject = ? AND revoked_at_ms IS NULL AND not_after_ms > ?'),
    };
  }

  record(c: IssuedCertificate): void {
    this.stmts.insert.run(c.serial, c.kind, c.subject, c.deviceId, c.issuedAtMs, c.notAfterMs);
  }

  /** A serial we never issued counts as revoked: only recorded certificates are honoured. */
  isRevoked(serial: string): boolean {
    const row = this.stmts.revoked.get(serial);
    return !row || row.revoked_at_ms !== null;
  }

  revoke(serial: string, nowMs: number): boolean {
    return this.stmts.revoke.run(nowMs, serial).changes === 1;
  }

  /** Revokes every unexpired certificate of a holder; returns how many. */
  revokeAllOf(kind: CertificateKind, subject: string, nowMs: number): number {
    return this.stmts.revokeSubject.run(nowMs, kind, subject, nowMs).changes;
  }
}
