// Gateway enrollment: one-time join tokens (only their SHA-256 is stored) exchanged with a
// CSR and the gateway's WireGuard public key for a gateway certificate. A token works once
// and not after it expires. The key, and the endpoint the token allows (if any), are bound
// to the gateway: a Sync Hello announcing others is refused. Re-enrolling retires the
// previous certificate and ends its open streams at once. A gateway gets its overlay service
// address (its proxy's) here, once; re-enrolling keeps it.
import { createHash, randomBytes } from 'node:crypto';
import type { Counter } from 'prom-client';
import type { Logger } from '../../common/log.js';
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import { parseCsr, type CertificateAuthority } from '../crypto/ca.js';
import type { EnrollGatewayResponse__Output as EnrollGatewayResponse } from '../../proto/generated/wicket/v1/EnrollGatewayResponse.js';
import { unauthenticated } from '../errors.js';
import { ensureServiceAddress, type AddressRange } from '../gateways/service-address.js';

/** What creating a join token needs: the store it is kept in and the audit log. */
export interface JoinTokenDeps {
  store: Store;
  audit: Audit;
  now: () => number;
}

/** What enrollment needs beyond that: the CA, the gateway certificate lifetime and the open streams a re-enrollment ends. */
export interface EnrollDeps extends JoinTokenDeps {
  ca: CertificateAuthority;
  log: Logger;
  metrics: { enrollments: Counter<'result'> };
  /** The overlay pool a gateway's service address is taken from (top down). */
  config: { gatewayCertValidityMs: number; overlayPool: AddressRange };
  /** Ends `gateway`'s open streams not opened with `currentSerial` (api/gateway-streams.ts). */
  gatewayStreams: { retire(gateway: string, currentSerial: string | undefined, why: string): number };
}

export const DEFAULT_TOKEN_TTL_MS = 3_600_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Creates a join token for `gateway` (stored hashed) and returns it with its expiry.
 * `endpoint` is the one the gateway may announce ('' = the first one it announces).
 */
export async function createJoinToken(ctx: JoinTokenDeps, gateway: string, ttlMs: number, actor: string, endpoint = ''): Promise<{ token: string; expiresAtMs: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresAtMs = now + ttlMs;
  await ctx.store.transaction(async (tx) => {
    await tx.gateways.addToken(hashToken(token), gateway, actor, now, expiresAtMs, endpoint);
    await ctx.audit.append(tx, { actor, action: 'gateway.token', target: gateway, details: { expires_at_ms: expiresAtMs, endpoint } });
  });
  return { token, expiresAtMs };
}

/** Exchanges a token, CSR and WireGuard key for a gateway certificate; the gateway's previous certificate stops working. */
export async function enrollGateway(ctx: EnrollDeps, token: string, csrPem: string, wgPublicKey: string, source: string): Promise<EnrollGatewayResponse> {
  const csr = parseCsr(csrPem);
  const now = ctx.now();
  // The certificate is signed inside the transaction: a body run again signs a fresh one,
  // and only the committed one is ever handed out.
  const result = await ctx.store.transaction(async (tx) => {
    const used = await tx.gateways.useToken(hashToken(token), now);
    if (!used) {
      await ctx.audit.append(tx, { actor: 'system', action: 'gateway.enroll.fail', target: '', details: { source, reason: 'unknown, used or expired join token' } });
      return undefined;
    }
    const { gateway, endpoint } = used;
    const issued = ctx.ca.issueClient(csr, [{ kind: 'gateway', name: gateway }], now, ctx.config.gatewayCertValidityMs);
    const previous = (await tx.gateways.get(gateway))?.certSerial;
    if (previous) await tx.certificates.revoke(previous, now);
    await tx.certificates.record({ serial: issued.serial, kind: 'gateway', subject: gateway, deviceId: '', issuedAtMs: now, notAfterMs: issued.notAfterMs });
    await tx.gateways.enroll(gateway, issued.serial, now, wgPublicKey, endpoint);
    await ensureServiceAddress(tx, ctx.config.overlayPool, gateway);
    const { serviceAddress } = (await tx.gateways.get(gateway))!;
    await ctx.audit.append(tx, {
      actor: `gateway:${gateway}`, action: 'gateway.enroll', target: gateway,
      details: { source, serial: issued.serial, reenrolled: previous !== undefined, publicKey: wgPublicKey, endpoint, serviceAddress },
    });
    return { certificatePem: issued.certPem, caPem: ctx.ca.certPem, gatewayName: gateway, expiresAtMs: issued.notAfterMs, serial: issued.serial };
  });
  ctx.metrics.enrollments.inc({ result: result ? 'ok' : 'failed' });
  if (!result) throw unauthenticated('invalid or expired join token');
  // After the commit: whoever still holds the previous certificate loses its open streams now.
  const { serial, ...response } = result;
  ctx.gatewayStreams.retire(response.gatewayName, serial, `gateway ${response.gatewayName} was enrolled again: this certificate is retired`);
  ctx.log.info({ gateway: response.gatewayName, source }, 'gateway enrolled');
  return response;
}
