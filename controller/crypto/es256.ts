// ES256 (ECDSA P-256) key pairs for the identity assertions the gateways sign and the
// sign-in tickets the controller signs: the private half as PKCS#8 PEM (what the gateway's
// jose imports), the public half as a JWK, and its RFC 7638 thumbprint as the key id.
import { createHash, generateKeyPairSync } from 'node:crypto';

export interface EcPublicJwk { kty: 'EC'; crv: 'P-256'; x: string; y: string }

export interface Es256KeyPair { kid: string; privatePem: string; publicJwk: EcPublicJwk }

/**
 * The RFC 7638 thumbprint (SHA-256, base64url) of an EC public key: the required members in
 * lexicographic order, no whitespace. Computed here synchronously so a key can be made inside
 * a store transaction; it equals jose's calculateJwkThumbprint.
 */
export function jwkThumbprint(jwk: EcPublicJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A fresh P-256 key pair with its key id. */
export function generateEs256(): Es256KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const publicJwk: EcPublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
  return { kid: jwkThumbprint(publicJwk), privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicJwk };
}
