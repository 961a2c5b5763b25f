// Tests for gateway enrollment with the controller replaced by a local CA (node-forge) behind
// injected functions: what is written (and with which modes), what is refused, and that
// nothing is sent when the CA pin does not match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import forge from 'node-forge';
import { certFingerprint } from '../../common/pki.js';
import { publicKeyOf } from '../../common/wireguard/keys.js';
import type { EnrollGatewayRequest } from '../../proto/generated/wicket/v1/EnrollGatewayRequest.js';
import { enrollGateway, type EnrollDeps } from './enroll.js';
import { loadGatewayState } from './state.js';
import { selfSigned } from '../../test/support/certificates.js';

function makeCa(cn: string): { certPem: string; sign(csrPem: string): string } {
  const { cert, keys } = selfSigned({
    subject: cn,
    validForMs: 86_400_000,
    extensions: [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }],
  });
  let serial = 2;
  return {
    certPem: forge.pki.certificateToPem(cert),
    sign(csrPem) {
      const csr = forge.pki.certificationRequestFromPem(csrPem);
      assert.ok(csr.verify(), 'the CSR is signed by its key');
      const leaf = forge.pki.createCertificate();
      leaf.publicKey = csr.publicKey!;
      leaf.serialNumber = String(serial++).padStart(2, '0');
      leaf.validity.notBefore = new Date(Date.now() - 60_000);
      leaf.validity.notAfter = new Date(Date.now() + 3_600_000);
      leaf.setSubject([{ name: 'commonName', value: 'gateway:dc1' }]);
      leaf.setIssuer(cert.subject.attributes);
      leaf.sign(keys.privateKey, forge.md.sha256.create());
      return forge.pki.certificateToPem(leaf);
    },
  };
}

const ca = makeCa('wicket test CA');
const other = makeCa('someone else');
const WG_KEY = Buffer.alloc(32, 7).toString('base64');

function fakeController(overrides: Partial<EnrollDeps> = {}): EnrollDeps & { requests: EnrollGatewayRequest[] } {
  const requests: EnrollGatewayRequest[] = [];
  return {
    requests,
    fetchPinnedCa: async (_hostPort, fingerprint) => {
      if (fingerprint !== certFingerprint(ca.certPem)) throw new Error('controller CA fingerprint mismatch');
      return ca.certPem;
    },
    enrollGateway: async (_hostPort, _caPem, request) => {
      requests.push(request);
      return { certificatePem: ca.sign(request.csrPem!), caPem: ca.certPem, gatewayName: 'dc1', expiresAtMs: 1_900_000_000_000 };
    },
    generateWgPrivateKey: async () => WG_KEY,
    now: () => 1_700_000_000_000,
    ...overrides,
  };
}

const fingerprint = certFingerprint(ca.certPem);
const options = (stateDir: string) => ({ controller: '127.0.0.1:7443', caFingerprint: fingerprint.toUpperCase().match(/../g)!.join(':'), token: 'tok-123', stateDir });
const mode = (path: string) => statSync(path).mode & 0o777;

test('enrollment writes the identity files with private keys 0600, and start can load them', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'wicket-enroll-')), 'state');
  const deps = fakeController();
  const info = await enrollGateway(options(dir), deps);
  assert.deepEqual(info, { name: 'dc1', controller: '127.0.0.1:7443', caFingerprint: fingerprint, enrolledAtMs: 1_700_000_000_000, certificateExpiresAtMs: 1_900_000_000_000 });
  assert.equal(deps.requests.length, 1);
  assert.equal(deps.requests[0]!.token, 'tok-123');
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, 'key.pem')), 0o600);
  assert.equal(mode(join(dir, 'wg.key')), 0o600);
  assert.equal(readFileSync(join(dir, 'wg.key'), 'utf8'), `${WG_KEY}\n`);
  assert.equal(readFileSync(join(dir, 'ca.crt'), 'utf8'), ca.certPem);
  const state = await loadGatewayState(dir);
  assert.equal(state.info.name, 'dc1');
  assert.equal(state.wgPrivateKey, WG_KEY);
  assert.match(state.keyPem, /BEGIN PRIVATE KEY/);
  assert.ok(!deps.requests[0]!.csrPem!.includes('PRIVATE'), 'only the CSR leaves the host');
  assert.equal(deps.requests[0]!.wgPublicKey, publicKeyOf(WG_KEY), 'the WireGuard public key is sent to be bound');
  assert.ok(!JSON.stringify(deps.requests[0]).includes(WG_KEY), 'the WireGuard private key never leaves the host');
});

test('a wrong fingerprint aborts before the token is sent and writes nothing', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'wicket-enroll-')), 'state');
  const deps = fakeController();
  await assert.rejects(enrollGateway({ ...options(dir), caFingerprint: certFingerprint(other.certPem) }, deps), /fingerprint mismatch/);
  assert.equal(deps.requests.length, 0);
  assert.equal(existsSync(dir), false);
});

test('bad input is refused before any network use', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-enroll-'));
  const deps = fakeController({ fetchPinnedCa: async () => assert.fail('must not connect') });
  await assert.rejects(enrollGateway({ ...options(dir), caFingerprint: 'abc' }, deps), /malformed SHA-256 fingerprint/);
  await assert.rejects(enrollGateway({ ...options(dir), controller: 'nohost' }, deps), /expected HOST:PORT/);
  await assert.rejects(enrollGateway({ ...options(dir), token: '  ' }, deps), /join token must be 1-128 characters/);
});

test('an existing enrollment is kept unless --force; force keeps the WireGuard key', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'wicket-enroll-')), 'state');
  await enrollGateway(options(dir), fakeController());
  const firstKey = readFileSync(join(dir, 'key.pem'), 'utf8');
  const deps = fakeController({ generateWgPrivateKey: async () => Buffer.alloc(32, 8).toString('base64') });
  await assert.rejects(enrollGateway(options(dir), deps), /already holds an enrollment: pass --force/);
  assert.equal(deps.requests.length, 0);
  await enrollGateway({ ...options(dir), force: true }, deps);
  assert.notEqual(readFileSync(join(dir, 'key.pem'), 'utf8'), firstKey, 'a new TLS key');
  assert.equal(readFileSync(join(dir, 'wg.key'), 'utf8'), `${WG_KEY}\n`, 'the WireGuard key is kept');
  assert.equal(deps.requests[0]!.wgPublicKey, publicKeyOf(WG_KEY), 'and re-enrollment binds the same key');
});

test('a certificate for another key, from another CA, or a swapped CA is refused and nothing is written', async () => {
  const cases: Array<[Partial<EnrollDeps>, RegExp]> = [
    [{
      enrollGateway: async () => {
        const stranger = forge.pki.rsa.generateKeyPair(1024);
        const csr = forge.pki.createCertificationRequest();
        csr.publicKey = stranger.publicKey;
        csr.sign(stranger.privateKey, forge.md.sha256.create());
        return { certificatePem: ca.sign(forge.pki.certificationRequestToPem(csr)), caPem: ca.certPem, gatewayName: 'dc1', expiresAtMs: 1 };
      },
    }, /certificate for another key/],
    [{ enrollGateway: async (_h, _c, req) => ({ certificatePem: other.sign(req.csrPem!), caPem: '', gatewayName: 'dc1', expiresAtMs: 1 }) }, /not signed by the pinned CA/],
    [{ enrollGateway: async (_h, _c, req) => ({ certificatePem: ca.sign(req.csrPem!), caPem: other.certPem, gatewayName: 'dc1', expiresAtMs: 1 }) }, /does not match the pinned fingerprint/],
    [{ enrollGateway: async () => ({ certificatePem: 'junk', caPem: '', gatewayName: 'dc1', expiresAtMs: 1 }) }, /unreadable certificate/],
  ];
  for (const [overrides, message] of cases) {
    const dir = join(mkdtempSync(join(tmpdir(), 'wicket-enroll-')), 'state');
    await assert.rejects(enrollGateway(options(dir), fakeController(overrides)), message);
    assert.equal(existsSync(dir), false);
  }
});

test('start refuses a state directory that is not enrolled, incomplete or with readable keys', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'wicket-enroll-'));
  await assert.rejects(loadGatewayState(empty), /holds no enrollment .* run `wicket-gateway enroll` first/);
  const dir = join(mkdtempSync(join(tmpdir(), 'wicket-enroll-')), 'state');
  await enrollGateway(options(dir), fakeController());
  chmodSync(join(dir, 'key.pem'), 0o644);
  await assert.rejects(loadGatewayState(dir), /key\.pem is readable by group or others \(mode 644\): chmod 600 it/);
  chmodSync(join(dir, 'key.pem'), 0o600);
  rmSync(join(dir, 'cert.pem'));
  await assert.rejects(loadGatewayState(dir), /cert\.pem is missing/);
});
