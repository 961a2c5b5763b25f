// Certificates issued by the CA, kept so that they can be revoked (grpc-js has no CRLs;
// every API call checks the serial here).
import type { Kysely, Selectable } from 'kysely';
import type { Schema, CertificatesTable } from './schema.js';
import type { Dialect } from './database.js';

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

const toRecord = (r: Selectable<CertificatesTable>): CertificateRecord => ({
  // The column only ever holds a CertificateKind: record() is the one writer.
  serial: r.serial, kind: r.kind as CertificateKind, subject: r.subject, deviceId: r.device_id, issuedAtMs: r.issued_at_ms, notAfterMs: r.not_after_ms, revokedAtMs: r.revoked_at_ms ?? undefined,
});

export class CertificateStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  async record(c: IssuedCertificate): Promise<void> {
    await this.db.insertInto('certificates')
      .values({ serial: c.serial, kind: c.kind, subject: c.subject, device_id: c.deviceId, issued_at_ms: c.issuedAtMs, not_after_ms: c.notAfterMs })
      .execute();
  }

  /** A serial we never issued counts as revoked: only recorded certificates are honoured. */
  async isRevoked(serial: string): Promise<boolean> {
    const row = await this.db.selectFrom('certificates').select('revoked_at_ms').where('serial', '=', serial).executeTakeFirst();
    return !row || row.revoked_at_ms !== null;
  }

  /** One recorded certificate; undefined for a serial we never issued. */
  async get(serial: string): Promise<CertificateRecord | undefined> {
    const row = await this.db.selectFrom('certificates').selectAll().where('serial', '=', serial).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Every certificate of a kind, oldest first (e.g. the bootstrap admin credentials); an array. */
  async ofKind(kind: CertificateKind): Promise<CertificateRecord[]> {
    const rows = await this.db.selectFrom('certificates').selectAll().where('kind', '=', kind).orderBy('issued_at_ms').orderBy('serial').execute();
    return rows.map(toRecord);
  }

  async revoke(serial: string, nowMs: number): Promise<boolean> {
    const r = await this.db.updateTable('certificates').set({ revoked_at_ms: nowMs }).where('serial', '=', serial).where('revoked_at_ms', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Revokes every unexpired certificate of a holder; returns how many. */
  async revokeAllOf(kind: CertificateKind, subject: string, nowMs: number): Promise<number> {
    const r = await this.db.updateTable('certificates').set({ revoked_at_ms: nowMs })
      .where('kind', '=', kind).where('subject', '=', subject).where('revoked_at_ms', 'is', null).where('not_after_ms', '>', nowMs)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
