// Stand-ins for the two ends of a gateway's Sync stream in the controller's unit tests: a
// stream that records what the fan-out writes, and fresh WireGuard public keys for Connects.
import { generateKeyPairSync } from 'node:crypto';
import type { SyncDown } from '../../proto/generated/wicket/v1/SyncDown.js';
import type { SyncStream } from '../../controller/sync/fanout.js';

/** A gateway's Sync stream as the fan-out sees it, keeping every message written to it. */
export class RecordingStream implements SyncStream {
  readonly sent: SyncDown[] = [];
  ended = false;
  write(m: SyncDown): boolean {
    this.sent.push(m);
    return true;
  }
  end(): void {
    this.ended = true;
  }
}

/** A fresh X25519 public key, base64, as a client's Connect carries it. */
export function wgPublicKey(): string {
  const { publicKey } = generateKeyPairSync('x25519');
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
}
