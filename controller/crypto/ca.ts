// Wicket's certificate authority (node-forge): creates the self-signed CA, verifies CSRs
// and signs them into certificates carrying the holder's identity URI SAN, and issues the
// controller's own server certificate. Keys are made with node:crypto (fast, native).
import forge from 'node-forge';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { generateKeyPair, type KeyPair } from '../../common/pki.js';
import { commonNameOf, identityUri, type Identity } from './identity.js';

/** Clock skew allowance: certificates are valid from a few minutes before they are issued. */
const BACKDATE_MS = 5 * 60_000;

export class CsrError extends Error {}

export interface ParsedCsr { publicKeyPem: string; spkiDer: Buffer }

export interface IssuedCert { certPem: string; serial: string; notAfterMs: number }

/** A positive 128-bit serial, hex. */
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40; // positive, and no leading zero digit in hex
  return bytes.toString('hex');
}

function spkiDerOf(publicKey: forge.pki.PublicKey): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(publicKey)).getBytes(), 'binary');
}

/** The only RSA public exponent accepted: any other makes verification slower or weaker. */
const RSA_EXPONENT = 65537;
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 4096;

/**
 * Refuses a key before anything is computed over it: a huge exponent or modulus makes one
 * signature verification occupy the event loop for seconds (an unauthenticated caller sends
 * the CSR), so only RSA with exponent 65537 and a 2048-4096-bit modulus is accepted.
 */
export function checkRsaPublicKey(key: { n: { bitLength(): number }; e: { bitLength(): number; intValue(): number } }): void {
  const bits = key.n.bitLength();
  if (bits < RSA_MIN_BITS) throw new CsrError(`CSR key is too small (RSA keys must have ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits)`);
  if (bits > RSA_MAX_BITS) throw new CsrError(`CSR key is too large (RSA keys must have ${RSA_MIN_BITS} to ${RSA_MAX_BITS} bits)`);
  if (key.e.bitLength() > 17 || key.e.intValue() !== RSA_EXPONENT) throw new CsrError(`CSR key has an unsupported public exponent (RSA keys must use ${RSA_EXPONENT})`);
}

/** Parses a PEM CSR, checks its key, then its self-signature; throws CsrError with a clear message. */
export function parseCsr(csrPem: string): ParsedCsr {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem);
  } catch (err) {
    const why = (err as Error).message ?? String(err);
    throw new CsrError(/OID is not RSA/i.test(why) ? 'CSR must use an RSA key' : `CSR is not a valid PKCS#10 PEM request (${why})`);
  }
  const publicKey = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!publicKey) throw new CsrError('CSR has no public key');
  checkRsaPublicKey(publicKey);
  let valid = false;
  try {
    valid = csr.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw new CsrError('CSR signature does not verify');
  return { publicKeyPem: forge.pki.publicKeyToPem(publicKey), spkiDer: spkiDerOf(publicKey) };
}

function baseCertificate(publicKey: forge.pki.PublicKey, commonName: string, nowMs: number, validityMs: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = newSerial();
  cert.validity.notBefore = new Date(nowMs - BACKDATE_MS);
  cert.validity.notAfter = new Date(nowMs + validityMs);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  return cert;
}

/** Creates a self-signed CA certificate and its key. */
export function createCa(nowMs: number, validityMs = 10 * 365 * 86_400_000): { certPem: string; keyPem: string } {
  const keys = generateKeyPair();
  const cert = baseCertificate(forge.pki.publicKeyFromPem(keys.publicKeyPem), 'Wicket CA', nowMs, validityMs);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

export class CertificateAuthority {
  private readonly cert: forge.pki.Certificate;
  private readonly key: forge.pki.rsa.PrivateKey;

  constructor(readonly certPem: string, keyPem: string) {
    this.cert = forge.pki.certificateFromPem(certPem);
    this.key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  }

  private sign(cert: forge.pki.Certificate, extensions: object[]): IssuedCert {
    cert.setIssuer(this.cert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'authorityKeyIdentifier', keyIdentifier: this.cert.generateSubjectKeyIdentifier().getBytes() },
      ...extensions,
    ]);
    cert.sign(this.key, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), serial: cert.serialNumber.toLowerCase(), notAfterMs: cert.validity.notAfter.getTime() };
  }

  /**
   * Signs a client certificate for the CSR's key naming `identities` (one URI SAN each; the
   * first gives the subject CN). The CSR's subject is ignored.
   */
  issueClient(csr: ParsedCsr, identities: Identity[], nowMs: number, validityMs: number): IssuedCert {
    const [first] = identities;
    if (!first) throw new Error('a certificate needs at least one identity');
    const cert = baseCertificate(forge.pki.publicKeyFromPem(csr.publicKeyPem), commonNameOf(first), nowMs, validityMs);
    return this.sign(cert, [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
      { name: 'subjectAltName', altNames: identities.map((id) => ({ type: 6, value: identityUri(id) })) },
    ]);
  }

  /** Issues the controller's TLS server certificate (new key) for the host names, plus localhost and loopback addresses. */
  issueServer(hostnames: string[], nowMs: number, validityMs = 2 * 365 * 86_400_000): IssuedCert & { keys: KeyPair } {
    const keys = generateKeyPair();
    const names = [...new Set([...hostnames, 'localhost', '127.0.0.1', '::1'])];
    const cert = baseCertificate(forge.pki.publicKeyFromPem(keys.publicKeyPem), 'wicket-controller', nowMs, validityMs);
    const issued = this.sign(cert, [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    ]);
    return { ...issued, keys };
  }
}
