// Every way a session, user or device loses access, in one place: each step is one store
// transaction with its audit record, then the live sessions it affects are ended or decided
// again through the session layer (session-control.ts), awaited, so that when a call here
// resolves the gateways have been handed the change. Handlers, detections and the SSO
// login only call in here; none of them revokes, audits a revocation or ends sessions itself.
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { CertificateRecord } from '../store/certificates.js';
import type { Policy } from '../policy/index.js';
import { notFound } from '../errors.js';
import { NO_SESSIONS, type SessionControl } from './session-control.js';

export interface RevocationDeps {
  store: Store;
  audit: Audit;
  now: () => number;
}

/** A change to a user that may widen or narrow what their live sessions reach. */
export type UserChange = 'enabled' | 'groups';

export class Revocation {
  private sessions: SessionControl = NO_SESSIONS;

  constructor(private readonly deps: RevocationDeps) {}

  /** The session layer, once it runs; `unbind` restores the stand-in when it stops. */
  bindSessions(control: SessionControl): () => void {
    this.sessions = control;
    return () => {
      if (this.sessions === control) this.sessions = NO_SESSIONS;
    };
  }

  /** An admin (or a detection, actor `system`) ends one live session. */
  async revokeSession(id: string, reason: string, actor: string): Promise<void> {
    await this.sessions.revokeSession(id, reason, actor);
  }

  /** Revokes every certificate a user holds and ends their live sessions. */
  async revokeUser(name: string, actor: string): Promise<{ sessionsRevoked: number; certificatesRevoked: number }> {
    const { store, audit } = this.deps;
    if (!(await store.users.get(name))) throw notFound(`no user ${name}`);
    const now = this.deps.now();
    const certificatesRevoked = await store.transaction(async (tx) => {
      // A user's certificates (admin role or not) are recorded as kind `user`; kind `admin`
      // is the bootstrap credential, which a user of the same name must never touch.
      const n = await tx.certificates.revokeAllOf('user', name, now);
      await audit.append(tx, { actor, action: 'user.revoke', target: name, details: { certificates: n } });
      return n;
    });
    const sessionsRevoked = await this.sessions.endUserSessions(name, `user ${name} revoked by ${actor}`, actor);
    return { sessionsRevoked, certificatesRevoked };
  }

  /** Blocks a device: its sessions end at once and its certificate stops working at the next call. */
  async blockDevice(id: string, reason: string, actor: string): Promise<void> {
    const { store, audit } = this.deps;
    const blocked = await store.transaction(async (tx) => {
      if (!(await tx.devices.setBlocked(id, true, reason))) return false;
      await audit.append(tx, { actor, action: 'device.block', target: id, details: { reason } });
      return true;
    });
    if (!blocked) throw notFound(`no device ${id}`);
    await this.sessions.endDeviceSessions(id, `device blocked by ${actor}${reason ? `: ${reason}` : ''}`, actor);
  }

  /** Disables a user (their sessions end) or enables one again (their sessions are decided again). */
  async setUserDisabled(name: string, disabled: boolean, actor: string): Promise<void> {
    const { store, audit } = this.deps;
    const changed = await store.transaction(async (tx) => {
      if (!(await tx.users.setDisabled(name, disabled))) return false;
      await audit.append(tx, { actor, action: disabled ? 'user.disable' : 'user.enable', target: name, details: {} });
      return true;
    });
    if (!changed) throw notFound(`no user ${name}`);
    if (disabled) await this.sessions.endUserSessions(name, `user ${name} disabled by ${actor}`, actor);
    else await this.userChanged(name, 'enabled', actor);
  }

  /** A committed change to a user (enabled, groups set by an admin or brought by an SSO login). */
  async userChanged(name: string, change: UserChange, actor: string): Promise<void> {
    await this.sessions.reevaluateUser(name, change === 'groups' ? 'groups changed' : 'user enabled', actor);
  }

  /** An approval was given, revoked or expired: the requester's live sessions are decided again. */
  approvalChanged(user: string, reason: string, actor: string): Promise<number> {
    return this.sessions.reevaluateUser(user, reason, actor);
  }

  /** A policy version was committed; resolves with how many live sessions changed. */
  policyApplied(policy: Policy, version: number): Promise<number> {
    return this.sessions.policyApplied(policy, version);
  }

  /**
   * Revokes a bootstrap admin credential (kind `admin`; admin users' login certificates are
   * not). Resolves with the record after the change; not_found when no such credential exists.
   */
  async revokeAdminCredential(serial: string, actor: string): Promise<CertificateRecord> {
    const { store, audit } = this.deps;
    const revoked = await store.transaction(async (tx) => {
      const cert = await tx.certificates.get(serial);
      if (cert?.kind !== 'admin') return undefined;
      if (await tx.certificates.revoke(serial, this.deps.now())) await audit.append(tx, { actor, action: 'admin.credential.revoke', target: serial, details: { name: cert.subject } });
      return tx.certificates.get(serial);
    });
    if (!revoked) throw notFound(`no bootstrap admin credential with serial ${serial}`);
    return revoked;
  }
}
