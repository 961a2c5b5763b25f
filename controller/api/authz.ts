// Who is calling: the caller's identity comes from the verified peer certificate (mutual
// TLS on the API port), then goes through the shared standing check (revocation/standing.ts:
// revoked serial, disabled user, blocked device (admin users included), unknown or
// re-enrolled gateway) on every call, so a change takes effect at the next call without
// waiting for certificates to expire. The check reads the store, so authorizing is
// asynchronous and the handler wrappers (handler.ts) await it before anything else.
import { X509Certificate } from 'node:crypto';
import type { Store } from '../store/store.js';
import { identitiesFromSubjectAltName, type Identity, type IdentityKind } from '../crypto/identity.js';
import { RpcError } from './errors.js';
import { standingRefusal } from '../revocation/standing.js';

/**
 * An authorized caller: the identity the call was accepted as, the certificate's serial and
 * expiry, and every identity the certificate names.
 */
export type Caller = Identity & { serial: string; notAfterMs: number; identities: Identity[] };

/** What authorize needs from a grpc-js server call (any kind: unary, streaming). */
export interface AuthenticatedCall { getAuthContext(): { sslPeerCertificate?: { raw?: Buffer } } | null }

export type Authorize = (call: AuthenticatedCall, ...kinds: IdentityKind[]) => Promise<Caller>;

interface PeerCert { serial: string; notAfterMs: number; identities: Identity[] }

/** Reads the peer certificate (cached by DER, certificates are immutable). */
function peerCertificate(call: AuthenticatedCall, cache: Map<string, PeerCert>): PeerCert {
  const raw = call.getAuthContext()?.sslPeerCertificate?.raw;
  if (!raw) throw new RpcError('unauthenticated', 'a client certificate is required');
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
  return async (call, ...kinds) => {
    const cert = peerCertificate(call, cache);
    const id = cert.identities.find((i) => kinds.includes(i.kind));
    if (!id) {
      const message = `this call needs a${kinds.length === 1 && kinds[0] === 'admin' ? 'n' : ''} ${kinds.join(' or ')} certificate`;
      onRefusal({ reason: 'wrong_kind', kinds, identities: cert.identities, serial: cert.serial, message });
      throw new RpcError('permission_denied', message);
    }
    if (cert.notAfterMs <= now()) {
      onRefusal({ reason: 'expired', kinds, identities: cert.identities, serial: cert.serial, message: 'certificate has expired' });
      throw new RpcError('unauthenticated', 'certificate has expired; log in again');
    }
    const why = await standingRefusal(store, { identity: id, serial: cert.serial, identities: cert.identities });
    if (why) {
      onRefusal({ reason: 'revoked_or_disabled', kinds, identities: cert.identities, serial: cert.serial, message: why });
      throw new RpcError('permission_denied', why);
    }
    return { ...id, serial: cert.serial, notAfterMs: cert.notAfterMs, identities: cert.identities };
  };
}

/** Authorizes an admin call and returns the audit actor ("admin:alice"). */
export async function adminActor(authorize: Authorize, call: AuthenticatedCall): Promise<string> {
  return `admin:${(await authorize(call, 'admin')).name}`;
}
