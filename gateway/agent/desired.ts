// Maps the controller's GatewaySession (proto) to the data plane's DesiredSession, validated by
// the data plane's own schema, so that one malformed session is refused alone instead of
// failing the whole version it came in.
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';
import { desiredSessionSchema, type DesiredSession } from '../dataplane/session.js';

/**
 * One GatewaySession as a DesiredSession. A rule without its own expiry (0, the proto
 * default) lasts as long as its session; the data plane caps every rule at the session's
 * expiry. Throws an Error naming the session and the offending fields, never their values
 * (a preshared key must not reach a log through an error message).
 */
export function toDesiredSession(session: GatewaySession__Output): DesiredSession {
  const parsed = desiredSessionSchema.safeParse({
    id: session.id,
    overlayAddress: session.overlayAddress,
    overlayIpv6: session.overlayIpv6,
    publicKey: session.wgPublicKey,
    presharedKey: session.presharedKey,
    expiresAtMs: session.expiresAtMs,
    rules: session.rules.map((r) => ({
      destination: r.destination,
      protocol: r.protocol,
      portFrom: r.portFrom,
      portTo: r.portTo,
      expiresAtMs: r.expiresAtMs === 0 ? session.expiresAtMs : r.expiresAtMs,
    })),
  });
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(session)'}: ${i.message}`).join('; ');
  throw new Error(`session ${JSON.stringify(String(session.id).slice(0, 128))} refused: ${where}`);
}

/** Maps a list, keeping the valid sessions and one message per refused one. */
export function toDesiredSessions(sessions: readonly GatewaySession__Output[]): { sessions: DesiredSession[]; refused: string[] } {
  const out: DesiredSession[] = [];
  const refused: string[] = [];
  for (const s of sessions) {
    try {
      out.push(toDesiredSession(s));
    } catch (err) {
      refused.push((err as Error).message);
    }
  }
  return { sessions: out, refused };
}
