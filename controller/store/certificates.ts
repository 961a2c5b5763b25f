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

/** A recorded certificate with its revocation time (undefined while it is valid). */
export interface CertificateRecord extends IssuedCertificate { revokedAtMs: number | undefined }

interface CertificateRow { serial: string; kind: CertificateKind; subject: string; device_id: string; issued_at_ms: number; not_after_ms: number; revoked_at_ms: number | null }

const toRecord = (r: CertificateRow): CertificateRecord => ({
  serial: r.serial, kind: r.kind, subject: r.subject, deviceId: r.device_id, issuedAtMs: r.issued_at_ms, notAfterMs: r.not_after_ms, revokedAtMs: r.revoked_at_ms ?? undefined,
});

export class CertificateStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      insert: db.prepare('INSERT INTO certificates (serial, kind, subject, device_id, issued_at_ms, not_after_ms) VALUES (?, ?, ?, ?, ?, ?)'),
      get: db.prepare<[string], CertificateRow>('SELECT * FROM certificates WHERE serial = ?'),
      ofKind: db.prepare<[CertificateKind], CertificateRow>('SELECT * FROM certificates WHERE kind = ? ORDER BY issued_at_ms, serial'),
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

  /** One recorded certificate; undefined for a serial we never issued. */
  get(serial: string): CertificateRecord | undefined {
    const row = this.stmts.get.get(serial);
    return row && toRecord(row);
  }

  /** Every certificate of a kind, oldest first (e.g. the bootstrap admin credentials). */
  ofKind(kind: CertificateKind): CertificateRecord[] {
    return this.stmts.ofKind.all(kind).map(toRecord);
  }

  revoke(serial: string, nowMs: number): boolean {
    return this.stmts.revoke.run(nowMs, serial).changes === 1;
  }

  /** Revokes every unexpired certificate of a holder; returns how many. */
  revokeAllOf(kind: CertificateKind, subject: string, nowMs: number): number {
    return this.stmts.revokeSubject.run(nowMs, kind, subject, nowMs).changes;
  }
}
