// Who is calling: the caller's identity comes from the verified peer certificate (mutual
// TLS on the API port), then is checked against the store on every call — revoked serial,
// disabled user, blocked device (admin users included), unknown or re-enrolled gateway —
// so a change takes effect at the next call without waiting for certificates to expire.
import { X509Certificate } from 'node:crypto';
import type { Store } from '../store/store.js';
import { identitiesFromSubjectAltName, type Identity, type IdentityKind } from '../crypto/identity.js';
import { permissionDenied, unauthenticated } from '../errors.js';

/**
 * An authorized caller: the identity the call was accepted as, the certificate's serial and
 * expiry, and every identity the certificate names.
 */
export type Caller = Identity & { serial: string; notAfterMs: number; identities: Identity[] };

/** What authorize needs from a grpc-js server call (any kind: unary, streaming). */
export interface AuthenticatedCall { getAuthContext(): { sslPeerCertificate?: { raw?: Buffer } } | null }

export type Authorize = (call: AuthenticatedCall, ...kinds: IdentityKind[]) => Caller;

interface PeerCert { serial: string; notAfterMs: number; identities: Identity[] }

/** Reads the peer certificate (cached by DER, certificates are immutable). */
function peerCertificate(call: AuthenticatedCall, cache: Map<string, PeerCert>): PeerCert {
  const raw = call.getAuthContext()?.sslPeerCertificate?.raw;
  if (!raw) throw unauthenticated('a client certificate is required');
  const key = raw.toString('base64');
  let parsed = cache.get(key);
  if (!parsed) {
    const x509 = new X509Certificate(raw);
    parsed = { serial: x509.serialNumber.toLowerCase(), notAfterMs: Date.parse(x509.validTo), identities: identitiesFromSubjectAltName(x509.subjectAltName) };
    if (cache.size > 10_000) cache.clear();
    cache.set(key, parsed);
  }
  return parsed;
}

/**
 * Why `id` may not act now, or undefined when it may. Which holder an admin identity is
 * comes from the certificate's record, not from its name: `init` and `admin-credentials`
 * record the bootstrap credential as kind `admin`; a login records the certificate of a
 * user (admin role or not) as kind `user`. So a user named like the bootstrap admin is
 * never taken for it, and changes to that user never touch the bootstrap credential.
 */
function refusal(store: Store, id: Identity, cert: PeerCert): string | undefined {
  const record = store.certificates.get(cert.serial);
  if (!record || record.revokedAtMs !== undefined) return 'certificate has been revoked';
  switch (id.kind) {
    case 'admin': {
      if (record.kind === 'admin') return record.subject === id.name ? undefined : `certificate was not issued to admin ${id.name}`;
      if (record.kind !== 'user') return 'certificate was not issued to an admin';
      // An admin user's certificate is also a device certificate: the device is checked too,
      // so blocking a stolen laptop cuts its admin rights at the next call.
      const user = store.users.get(id.name);
      if (!user || !user.admin || user.disabled) return `admin ${id.name} is disabled or no longer an admin`;
      const device = cert.identities.find((i) => i.kind === 'user' && i.name === id.name);
      if (!device || device.kind !== 'user') return `admin certificate of ${id.name} names no device`;
      if (store.devices.isBlocked(device.deviceId)) return `device ${device.deviceId} is blocked`;
      return undefined;
    }
    case 'user': {
      if (record.kind !== 'user') return 'certificate was not issued to a user';
      const user = store.users.get(id.name);
      if (!user || user.disabled) return `user ${id.name} is disabled`;
      if (store.devices.isBlocked(id.deviceId)) return `device ${id.deviceId} is blocked`;
      return undefined;
    }
    case 'gateway': {
      const gw = store.gateways.get(id.name);
      if (!gw || gw.certSerial !== cert.serial) return `gateway ${id.name} is not enrolled with this certificate`;
      return undefined;
    }
  }
}

/** Told about every refused call (metrics and a log line: refusals are attack signals). */
export type OnRefusal = (refusal: { reason: RefusalReason; kinds: IdentityKind[]; identities: Identity[]; serial: string; message: string }) => void;

export type RefusalReason = 'wrong_kind' | 'expired' | 'revoked_or_disabled';

/**
 * Makes the `authorize(call, ...kinds)` every API handler starts with. The certificate's
 * expiry is checked against the controller's clock on every call: TLS checks it only when
 * a connection opens, and a connection may outlive the certificate.
 */
export function createAuthorizer(store: Store, now: () => number = Date.now, onRefusal: OnRefusal = () => undefined): Authorize {
  const cache = new Map<string, PeerCert>();
  return (call, ...kinds) => {
    const cert = peerCertificate(call, cache);
    const id = cert.identities.find((i) => kinds.includes(i.kind));
    if (!id) {
      const message = `this call needs a${kinds.length === 1 && kinds[0] === 'admin' ? 'n' : ''} ${kinds.join(' or ')} certificate`;
      onRefusal({ reason: 'wrong_kind', kinds, identities: cert.identities, serial: cert.serial, message });
      throw permissionDenied(message);
    }
    if (cert.notAfterMs <= now()) {
      onRefusal({ reason: 'expired', kinds, identities: cert.identities, serial: cert.serial, message: 'certificate has expired' });
      throw unauthenticated('certificate has expired; log in again');
    }
    const why = refusal(store, id, cert);
    if (why) {
      onRefusal({ reason: 'revoked_or_disabled', kinds, identities: cert.identities, serial: cert.serial, message: why });
      throw permissionDenied(why);
    }
    return { ...id, serial: cert.serial, notAfterMs: cert.notAfterMs, identities: cert.identities };
  };
}

/** Authorizes an admin call and returns the audit actor ("admin:alice"). */
export function adminActor(authorize: Authorize, call: AuthenticatedCall): string {
  return `admin:${authorize(call, 'admin').name}`;
}
