// Gateway enrollment: one-time join tokens (only their SHA-256 is stored) exchanged with a
// CSR for a gateway certificate. A token works once and not after it expires.
import { createHash, randomBytes } from 'node:crypto';
import type { ControllerContext } from '../api/context.js';
import type { EnrollGatewayResponse__Output as EnrollGatewayResponse } from '../../proto/generated/wicket/v1/EnrollGatewayResponse.js';
import { unauthenticated } from '../api/errors.js';
import { parseCsr } from '../crypto/ca.js';

export const DEFAULT_TOKEN_TTL_MS = 3_600_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a join token for `gateway` (stored hashed) and returns it with its expiry. */
export function createJoinToken(ctx: ControllerContext, gateway: string, ttlMs: number, actor: string): { token: string; expiresAtMs: number } {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresAtMs = now + ttlMs;
  ctx.store.transaction(() => {
    ctx.store.gateways.addToken(hashToken(token), gateway, actor, now, expiresAtMs);
    ctx.audit.append({ actor, action: 'gateway.token', target: gateway, details: { expires_at_ms: expiresAtMs } });
  });
  return { token, expiresAtMs };
}

/** Exchanges a token and CSR for a gateway certificate; the gateway's previous certificate stops working. */
export function enrollGateway(ctx: ControllerContext, token: string, csrPem: string, source: string): EnrollGatewayResponse {
  const csr = parseCsr(csrPem);
  const now = ctx.now();
  const result = ctx.store.transaction(() => {
    const gateway = ctx.store.gateways.useToken(hashToken(token), now);
    if (!gateway) {
      ctx.audit.append({ actor: 'system', action: 'gateway.enroll.fail', target: '', details: { source, reason: 'unknown, used or expired join token' } });
      return undefined;
    }
    const issued = ctx.ca.issueClient(csr, [{ kind: 'gateway', name: gateway }], now, ctx.config.gatewayCertValidityMs);
    const previous = ctx.store.gateways.get(gateway)?.certSerial;
    if (previous) ctx.store.certificates.revoke(previous, now);
    ctx.store.certificates.record({ serial: issued.serial, kind: 'gateway', subject: gateway, deviceId: '', issuedAtMs: now, notAfterMs: issued.notAfterMs });
    ctx.store.gateways.enroll(gateway, issued.serial, now);
    ctx.audit.append({ actor: `gateway:${gateway}`, action: 'gateway.enroll', target: gateway, details: { source, serial: issued.serial, reenrolled: previous !== undefined } });
    return { certificatePem: issued.certPem, caPem: ctx.ca.certPem, gatewayName: gateway, expiresAtMs: issued.notAfterMs };
  });
  ctx.metrics.enrollments.inc({ result: result ? 'ok' : 'failed' });
  if (!result) throw unauthenticated('invalid or expired join token');
  ctx.log.info({ gateway: result.gatewayName, source }, 'gateway enrolled');
  return result;
}
