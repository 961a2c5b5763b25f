// Per-session, per-gateway WireGuard preshared keys: made fresh, sealed with the master key
// before they reach the store (bound to the session and gateway, so a sealed key copied to
// another row does not open) and opened only to build what a client or gateway is sent.
import { randomBytes } from 'node:crypto';
import type { MasterKey } from '../crypto/masterkey.js';

export function newPsk(): string {
  return randomBytes(32).toString('base64');
}

const aad = (sessionId: string, gateway: string) => `psk:${sessionId}:${gateway}`;

export function sealPsk(masterKey: MasterKey, sessionId: string, gateway: string, psk: string): Buffer {
  return masterKey.seal(psk, aad(sessionId, gateway));
}

export function openPsk(masterKey: MasterKey, sessionId: string, gateway: string, sealed: Buffer): string {
  return masterKey.open(sealed, aad(sessionId, gateway)).toString('utf8');
}
