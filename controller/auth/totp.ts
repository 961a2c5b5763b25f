// TOTP (RFC 6238: SHA-1, 30-second steps, 6 digits) via otplib, accepting the current step
// and one step either side for clock drift. Replay protection is the caller's (the step
// returned here is recorded in the store).
import { generateSecret, generateURI, verify, generate } from 'otplib';

export const TOTP_PERIOD_S = 30;
const ISSUER = 'Wicket';

export function newTotpSecret(): string {
  return generateSecret();
}

export function otpauthUri(user: string, secret: string): string {
  return generateURI({ issuer: ISSUER, label: user, secret, period: TOTP_PERIOD_S, digits: 6 });
}

/** The time step a valid code belongs to, or null when the code is not valid now (±1 step). */
export async function verifyTotp(secret: string, code: string, nowMs: number): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({ secret, token: code, epoch: Math.floor(nowMs / 1000), period: TOTP_PERIOD_S, epochTolerance: TOTP_PERIOD_S });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** The code for a time (used by tests and by tooling that plays the authenticator). */
export function totpCode(secret: string, nowMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(nowMs / 1000), period: TOTP_PERIOD_S });
}
