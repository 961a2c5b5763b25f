// Single sign-on records: identity-provider subjects linked to Wicket users (with the
// groups of their last login) and the authentication of each SSO-issued certificate.
// Migration 005_sso.ts; reached as `Store.sso`.
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../store/database.js';
import type { Schema, SsoIdentitiesTable } from '../store/schema.js';

export interface SsoIdentity { provider: string; subject: string; user: string; groups: string[] }

/** What a certificate's login established: IdP groups and whether MFA happened. */
export interface CertificateAuth { provider: string; mfa: boolean; groups: string[] }

const toIdentity = (r: Selectable<SsoIdentitiesTable>): SsoIdentity => ({ provider: r.provider, subject: r.subject, user: r.user_name, groups: JSON.parse(r.groups_json) as string[] });

export class SsoStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /** The user a provider's subject is linked to. */
  async identity(provider: string, subject: string): Promise<SsoIdentity | undefined> {
    const row = await this.db.selectFrom('sso_identities').selectAll().where('provider', '=', provider).where('subject', '=', subject).executeTakeFirst();
    return row && toIdentity(row);
  }

  /** The provider subject a user is linked to (one per provider). */
  async identityOfUser(user: string, provider: string): Promise<SsoIdentity | undefined> {
    const row = await this.db.selectFrom('sso_identities').selectAll().where('user_name', '=', user).where('provider', '=', provider)
      .orderBy('subject').executeTakeFirst();
    return row && toIdentity(row);
  }

  /** Links (or refreshes the groups of) a subject; the link's user never changes. */
  async saveIdentity(identity: SsoIdentity, nowMs: number): Promise<void> {
    await this.db.insertInto('sso_identities')
      .values({ provider: identity.provider, subject: identity.subject, user_name: identity.user, groups_json: JSON.stringify(identity.groups), last_login_ms: nowMs })
      .onConflict((oc) => oc.columns(['provider', 'subject']).doUpdateSet((eb) => ({ groups_json: eb.ref('excluded.groups_json'), last_login_ms: eb.ref('excluded.last_login_ms') })))
      .execute();
  }

  /** Links a subject to a user before their first SSO login (an admin's `user link`). */
  async link(provider: string, subject: string, user: string): Promise<void> {
    await this.db.insertInto('sso_identities').values({ provider, subject, user_name: user, groups_json: '[]', last_login_ms: 0 }).execute();
  }

  /** Whether any provider's subject is linked to the user (an SSO-provisioned or SSO-linked account). */
  async hasAnyIdentity(user: string): Promise<boolean> {
    const row = await this.db.selectFrom('sso_identities').select('provider').where('user_name', '=', user).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async recordCertificate(serial: string, provider: string, subject: string, mfa: boolean): Promise<void> {
    await this.db.insertInto('sso_certificates').values({ serial, provider, subject, mfa: mfa ? 1 : 0 }).execute();
  }

  /** The SSO authentication behind a certificate; undefined for other logins. */
  async certificateAuth(serial: string): Promise<CertificateAuth | undefined> {
    const row = await this.db.selectFrom('sso_certificates as c')
      .innerJoin('sso_identities as i', (join) => join.onRef('i.provider', '=', 'c.provider').onRef('i.subject', '=', 'c.subject'))
      .select(['c.provider', 'c.mfa', 'i.groups_json']).where('c.serial', '=', serial).executeTakeFirst();
    return row && { provider: row.provider, mfa: row.mfa === 1, groups: JSON.parse(row.groups_json) as string[] };
  }
}
