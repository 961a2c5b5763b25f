// Key pairs, certificate signing requests, fingerprints and secret files: the small PKI
// toolkit every Wicket program uses to obtain and store its certificate.
import { generateKeyPair as generateKeyPairCallback, generateKeyPairSync, createHash, X509Certificate, randomBytes } from 'node:crypto';
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import * as tls from 'node:tls';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';

export interface KeyPair { privateKeyPem: string; publicKeyPem: string }

const generateKeyPairPromise = promisify(generateKeyPairCallback);

const RSA_KEY_OPTIONS = {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const;

/** A fresh RSA-2048 key pair (PKCS#8 / SPKI PEM). RSA because node-forge signs CSRs only with RSA. */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', RSA_KEY_OPTIONS);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** generateKeyPair off the event loop (a server making keys while it serves others). */
export async function generateKeyPairAsync(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPairPromise('rsa', RSA_KEY_OPTIONS);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** A PKCS#10 CSR (PEM) for the key pair. The controller ignores the subject and decides identity itself. */
export function createCsr(keys: KeyPair, commonName: string): string {
  // node-forge is loaded here, by its one user, not by every program that reads a state file
  // through this module (it is CommonJS, so a synchronous require).
  const forge = createRequire(import.meta.url)('node-forge') as typeof Forge;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  csr.setSubject([{ name: 'commonName', value: commonName }]);
  csr.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem) as Forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

/** SHA-256 of a DER certificate, 64 lowercase hex characters. */
function derFingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** SHA-256 fingerprint of a PEM certificate's DER encoding, 64 lowercase hex characters. */
export function certFingerprint(certPem: string): string {
  return derFingerprint(new X509Certificate(certPem).raw);
}

/** Accepts "AB:CD:..." or plain hex in any case; returns 64 lowercase hex characters or throws. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.trim().replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(`malformed SHA-256 fingerprint "${fp}": expected 64 hex digits, optionally separated by colons`);
  }
  return hex;
}

/** Writes a file atomically (temporary file in the same directory, fsync, rename). */
function writeAtomic(path: string, data: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Writes a secret (private key, token...) readable by its owner only (0600), atomically. */
export function writeSecretFile(path: string, data: string): void {
  writeAtomic(path, data, 0o600);
}

/** Writes a public file (certificate, CA) with mode 0644, atomically. */
export function writePublicFile(path: string, data: string): void {
  writeAtomic(path, data, 0o644);
}

/** Splits "host:port" / "[v6]:port" into its parts. */
export function splitHostPort(hostPort: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(hostPort.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid address "${hostPort}": expected HOST:PORT`);
  return { host: m[1] ?? m[2]!, port };
}

/** The certificates the peer presented, leaf first (DER). */
function peerChain(socket: tls.TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert && cert.raw && !chain.some((c) => c.equals(cert!.raw))) {
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/**
 * Trust-on-first-use with a pin: connects to the controller's auth port, completes the TLS
 * handshake without sending application data, and returns the CA certificate (PEM) from the
 * presented chain whose fingerprint equals `fingerprint`, after checking it signed the
 * server certificate. Throws "controller CA fingerprint mismatch" otherwise.
 */
export async function fetchPinnedCa(hostPort: string, fingerprint: string): Promise<string> {
  const expected = normalizeFingerprint(fingerprint);
  const { host, port } = splitHostPort(hostPort);
  const chain = await new Promise<Buffer[]>((resolve, reject) => {
    const socket = tls.connect({
      host, port,
      // Verification happens below against the pin, not against the system trust store.
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
      ...(isIP(host) ? {} : { servername: host }),
    });
    socket.setTimeout(10_000, () => socket.destroy(Object.assign(new Error(`timed out connecting to ${hostPort}`), { code: 'ETIMEDOUT' })));
    socket.once('secureConnect', () => {
      const presented = peerChain(socket);
      socket.destroy();
      resolve(presented);
    });
    // The socket's code is kept: a caller with a controller list moves on only when it never connected.
    socket.once('error', (err: NodeJS.ErrnoException) => reject(Object.assign(new Error(`cannot reach controller at ${hostPort}: ${err.message}`), { code: err.code })));
  });
  const [leafDer] = chain;
  const found = chain.map((der) => ({ der, fp: derFingerprint(der) }));
  const ca = found.find((c) => c.fp === expected);
  const got = found.slice(1).map((c) => c.fp).join(', ') || found.map((c) => c.fp).join(', ') || 'no certificate';
  if (!ca || !leafDer) throw new Error(`controller CA fingerprint mismatch: expected ${expected}, got ${got}`);
  const caCert = new X509Certificate(ca.der);
  const leaf = new X509Certificate(leafDer);
  if (!caCert.ca || !leaf.checkIssued(caCert) || !leaf.verify(caCert.publicKey)) {
    throw new Error(`controller CA fingerprint mismatch: expected ${expected}, got ${got} (the pinned certificate did not sign the server certificate)`);
  }
  return caCert.toString();
}
