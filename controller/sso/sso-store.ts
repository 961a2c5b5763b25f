// Single sign-on records: identity-provider subjects linked to Wicket users (with the
// groups of their last login) and the authentication of each SSO-issued certificate.
// Migration 005_sso.sql; reached as `Store.sso`.
import type { DB } from '../store/db.js';

export interface SsoIdentity { provider: string; subject: string; user: string; groups: string[] }

/** What a certificate's login established: IdP groups and whether MFA happened. */
export interface CertificateAuth { provider: string; mfa: boolean; groups: string[] }

interface IdentityRow { provider: string; subject: string; user_name: string; groups_json: string }

const toIdentity = (r: IdentityRow): SsoIdentity => ({ provider: r.provider, subject: r.subject, user: r.user_name, groups: JSON.parse(r.groups_json) as string[] });

export class SsoStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      bySubject: db.prepare<[string, string], IdentityRow>('SELECT * FROM sso_identities WHERE provider = ? AND subject = ?'),
      byUser: db.prepare<[string, string], IdentityRow>('SELECT * FROM sso_identities WHERE user_name = ? AND provider = ?'),
      upsert: db.prepare(`INSERT INTO sso_identities (provider, subject, user_name, groups_json, last_login_ms) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (provider, subject) DO UPDATE SET groups_json = excluded.groups_json, last_login_ms = excluded.last_login_ms`),
      link: db.prepare("INSERT INTO sso_identities (provider, subject, user_name, groups_json, last_login_ms) VALUES (?, ?, ?, '[]', 0)"),
      anyOfUser: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM sso_identities WHERE user_name = ? LIMIT 1'),
      recordCert: db.prepare('INSERT INTO sso_certificates (serial, provider, subject, mfa) VALUES (?, ?, ?, ?)'),
      authOf: db.prepare<[string], { provider: string; mfa: number; groups_json: string }>(`
        SELECT c.provider, c.mfa, i.groups_json FROM sso_certificates c
        JOIN sso_identities i ON i.provider = c.provider AND i.subject = c.subject WHERE c.serial = ?`),
    };
  }

  /** The user a provider's subject is linked to. */
  identity(provider: string, subject: string): SsoIdentity | undefined {
    const row = this.stmts.bySubject.get(provider, subject);
    return row && toIdentity(row);
  }

  /** The provider subject a user is linked to (one per provider). */
  identityOfUser(user: string, provider: string): SsoIdentity | undefined {
    const row = this.stmts.byUser.get(user, provider);
    return row && toIdentity(row);
  }

  /** Links (or refreshes the groups of) a subject; the link's user never changes. */
  saveIdentity(identity: SsoIdentity, nowMs: number): void {
    this.stmts.upsert.run(identity.provider, identity.subject, identity.user, JSON.stringify(identity.groups), nowMs);
  }

  /** Links a subject to a user before their first SSO login (an admin's `user link`). */
  link(provider: string, subject: string, user: string): void {
    this.stmts.link.run(provider, subject, user);
  }

  /** Whether any provider's subject is linked to the user (an SSO-provisioned or SSO-linked account). */
  hasAnyIdentity(user: string): boolean {
    return this.stmts.anyOfUser.get(user) !== undefined;
  }

  recordCertificate(serial: string, provider: string, subject: string, mfa: boolean): void {
    this.stmts.recordCert.run(serial, provider, subject, mfa ? 1 : 0);
  }

  /** The SSO authentication behind a certificate; undefined for other logins. */
  certificateAuth(serial: string): CertificateAuth | undefined {
    const row = this.stmts.authOf.get(serial);
    return row && { provider: row.provider, mfa: row.mfa === 1, groups: JSON.parse(row.groups_json) as string[] };
  }
}
