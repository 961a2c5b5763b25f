// Caller identities and the certificate URI SANs that carry them (docs/architecture.md,
// "Identity in certificates"). Pure; the only code that reads or writes these URIs.
import { createHash } from 'node:crypto';

export type Identity =
  | { kind: 'admin'; name: string }
  | { kind: 'gateway'; name: string }
  | { kind: 'user'; name: string; deviceId: string };

export type IdentityKind = Identity['kind'];

const NAME = '[A-Za-z0-9._@-]{1,64}';
const PATTERNS: [RegExp, (m: RegExpExecArray) => Identity][] = [
  [new RegExp(`^wicket://admin/(${NAME})$`), (m) => ({ kind: 'admin', name: m[1]! })],
  [new RegExp(`^wicket://gateway/(${NAME})$`), (m) => ({ kind: 'gateway', name: m[1]! })],
  [new RegExp(`^wicket://user/(${NAME})/device/([0-9a-f]{32})$`), (m) => ({ kind: 'user', name: m[1]!, deviceId: m[2]! })],
];

/** The URI SAN naming an identity. */
export function identityUri(id: Identity): string {
  switch (id.kind) {
    case 'admin': return `wicket://admin/${id.name}`;
    case 'gateway': return `wicket://gateway/${id.name}`;
    case 'user': return `wicket://user/${id.name}/device/${id.deviceId}`;
  }
}

/** The subject common name for an identity ("user:alice"); also its actor name in the audit log. */
export function commonNameOf(id: Identity): string {
  return `${id.kind}:${id.name}`;
}

/** Parses one URI SAN; undefined when it is not a Wicket identity. */
export function parseIdentityUri(uri: string): Identity | undefined {
  for (const [re, make] of PATTERNS) {
    const m = re.exec(uri);
    if (m) return make(m);
  }
  return undefined;
}

/** The identities in a certificate's subjectAltName string as node prints it ("URI:wicket://..., DNS:..."). */
export function identitiesFromSubjectAltName(san: string | undefined): Identity[] {
  if (!san) return [];
  return san.split(/,\s*/)
    .filter((part) => part.startsWith('URI:'))
    .map((part) => parseIdentityUri(part.slice(4)))
    .filter((id): id is Identity => id !== undefined);
}

/** Device id: the first 16 bytes of SHA-256 over the SubjectPublicKeyInfo DER, hex. */
export function deviceIdFromSpki(spkiDer: Buffer): string {
  return createHash('sha256').update(spkiDer).digest().subarray(0, 16).toString('hex');
}

