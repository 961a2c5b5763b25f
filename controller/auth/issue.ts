// The one code path that turns a successful authentication (password + TOTP, or single
// sign-on) into the device certificate: sign the CSR for the re-authentication interval,
// then record device, certificate and the `login.ok` audit entry in one transaction,
// together with whatever the authentication method must commit atomically with them.
import type { Counter } from 'prom-client';
import type { Logger } from '../../common/log.js';
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { CertificateAuthority, ParsedCsr } from '../crypto/ca.js';
import type { LoginResponse__Output as LoginResponse } from '../../proto/generated/wicket/v1/LoginResponse.js';
import type { Identity } from '../crypto/identity.js';
import type { UserRecord } from '../users/user-store.js';

/** What issuing a device certificate needs: records, the CA, the login counter and the certificate lifetime. */
export interface IssueDeps {
  store: Store;
  audit: Audit;
  ca: CertificateAuthority;
  log: Logger;
  metrics: { logins: Counter<'result'> };
  config: { reauthIntervalMs: number; publicApi: string };
  now: () => number;
}

export interface IssueRequest {
  user: UserRecord;
  csr: ParsedCsr;
  deviceId: string;
  deviceName: string;
  /** The caller's address (audit). */
  source: string;
  /** How the user authenticated ("password", "sso"), with details for the audit record. */
  method: string;
  details?: Record<string, unknown>;
}

/**
 * Signs the device certificate. `commit(tx, serial)` runs inside the recording transaction
 * (everything it reads and writes goes through `tx`; on PostgreSQL it may run more than
 * once); when it returns false nothing is recorded and the result is undefined (e.g. a
 * replayed code).
 */
export async function issueDeviceCertificate(ctx: IssueDeps, req: IssueRequest, commit: (tx: Store, serial: string) => Promise<boolean> = async () => true): Promise<LoginResponse | undefined> {
  const { store, audit } = ctx;
  const { user, deviceId } = req;
  const now = ctx.now();
  const identities: Identity[] = [{ kind: 'user', name: user.name, deviceId }];
  if (user.admin) identities.push({ kind: 'admin', name: user.name });
  const issued = ctx.ca.issueClient(req.csr, identities, now, ctx.config.reauthIntervalMs);
  const recorded = await store.transaction(async (tx) => {
    if (!(await commit(tx, issued.serial))) return false;
    await tx.devices.seen(deviceId, user.name, req.deviceName, now);
    await tx.certificates.record({ serial: issued.serial, kind: 'user', subject: user.name, deviceId, issuedAtMs: now, notAfterMs: issued.notAfterMs });
    await audit.append(tx, {
      actor: `user:${user.name}`, action: 'login.ok', target: user.name,
      details: { method: req.method, source: req.source, device_id: deviceId, device_name: req.deviceName, serial: issued.serial, admin: user.admin, expires_at_ms: issued.notAfterMs, ...req.details },
    });
    return true;
  });
  if (!recorded) return undefined;
  ctx.metrics.logins.inc({ result: 'ok' });
  ctx.log.info({ user: user.name, deviceId, source: req.source, method: req.method }, 'login ok');
  return {
    certificatePem: issued.certPem, caPem: ctx.ca.certPem, apiEndpoint: ctx.config.publicApi,
    expiresAtMs: issued.notAfterMs, username: user.name, deviceId, admin: user.admin,
  };
}
