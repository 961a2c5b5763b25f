// Certificates made without the controller's CA, for tests that play a CA of their own or
// present what no trusted CA issued.
import forge from 'node-forge';

export interface CertificateSpec {
  /** Common name of the subject. */
  subject: string;
  /** Common name written as the issuer; the subject's own when absent (a true self-signed certificate). */
  issuer?: string;
  /** How long the certificate stays valid from now (it is already valid since a minute ago). */
  validForMs: number;
  extensions: object[];
}

/** A certificate with serial 01 signed by its own new 2048-bit RSA key. */
export function selfSigned(spec: CertificateSpec): { cert: forge.pki.Certificate; keys: forge.pki.rsa.KeyPair } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + spec.validForMs);
  cert.setSubject([{ name: 'commonName', value: spec.subject }]);
  cert.setIssuer([{ name: 'commonName', value: spec.issuer ?? spec.subject }]);
  cert.setExtensions(spec.extensions);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, keys };
}
