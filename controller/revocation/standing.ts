// The one "is this identity still in good standing" check: certificate revoked, user
// disabled or no longer an admin, device blocked, gateway re-enrolled. API authorization
// asks it on every call and the session layer asks it at admission and re-evaluation, so a
// change takes effect everywhere at once and is explained in the same words.
import type { Store } from '../store/store.js';
import type { Identity } from '../crypto/identity.js';

/** A certificate holder: the identity it acts as, the certificate's serial and every identity it names. */
export interface Holder {
  identity: Identity;
  serial: string;
  identities: Identity[];
}

/**
 * Why `holder` may not act now, or undefined when it may. Which holder an admin identity is
 * comes from the certificate's record, not from its name: `init` and `admin-credentials`
 * record the bootstrap credential as kind `admin`; a login records the certificate of a
 * user (admin role or not) as kind `user`. So a user named like the bootstrap admin is
 * never taken for it, and changes to that user never touch the bootstrap credential.
 */
export async function standingRefusal(store: Store, { identity: id, serial, identities }: Holder): Promise<string | undefined> {
  const record = await store.certificates.get(serial);
  if (!record || record.revokedAtMs !== undefined) return 'certificate has been revoked';
  switch (id.kind) {
    case 'admin': {
      if (record.kind === 'admin') return record.subject === id.name ? undefined : `certificate was not issued to admin ${id.name}`;
      if (record.kind !== 'user') return 'certificate was not issued to an admin';
      // An admin user's certificate is also a device certificate: the device is checked too,
      // so blocking a stolen laptop cuts its admin rights at the next call.
      const user = await store.users.get(id.name);
      if (!user || !user.admin || user.disabled) return `admin ${id.name} is disabled or no longer an admin`;
      const device = identities.find((i) => i.kind === 'user' && i.name === id.name);
      if (!device || device.kind !== 'user') return `admin certificate of ${id.name} names no device`;
      if (await store.devices.isBlocked(device.deviceId)) return `device ${device.deviceId} is blocked`;
      return undefined;
    }
    case 'user': {
      if (record.kind !== 'user') return 'certificate was not issued to a user';
      const user = await store.users.get(id.name);
      if (!user || user.disabled) return `user ${id.name} is disabled`;
      if (await store.devices.isBlocked(id.deviceId)) return `device ${id.deviceId} is blocked`;
      return undefined;
    }
    case 'gateway': {
      const gw = await store.gateways.get(id.name);
      if (!gw || gw.certSerial !== serial) return `gateway ${id.name} is not enrolled with this certificate`;
      return undefined;
    }
  }
}

/** Why a user's device, on the certificate with this serial, may hold no session now, or undefined. */
export function deviceStandingRefusal(store: Store, user: string, deviceId: string, serial: string): Promise<string | undefined> {
  const identity: Identity = { kind: 'user', name: user, deviceId };
  return standingRefusal(store, { identity, serial, identities: [identity] });
}
