// What admission reads, for a whole Connect batch at once, inside its transaction. One query
// per batch answers which of its keys are live and how many live sessions each of its users
// and devices holds; the batch's own admissions are added in memory as they are decided, so a
// Connect sees those before it in its batch exactly as it saw their rows before. Reads the
// batch never writes (standing, login, the decision) are made once per distinct caller. Free
// addresses are looked up a window at a time instead of one query per probe. Per-session
// queries made admission cost grow with the batch and held the transaction (on PostgreSQL,
// the writers' lock) for as long. Lives for one run of the transaction body: a body run
// again starts afresh.
import type { Store } from '../store/store.js';
import type { Posture } from '../policy/index.js';
import { ipv4ToNumber, numberToIpv4 } from '../../common/ipv4.js';
import { deviceStandingRefusal } from '../revocation/standing.js';
import { loginOf, type Decision } from './decision.js';
import type { Pool } from './ipam.js';

/** The caller of a Connect, as far as its reads go (admission.ts Caller). */
interface Caller { user: string; deviceId: string; certSerial: string }

/** Addresses looked up per query when allocating. */
const ADDRESS_WINDOW = 256;

export class AdmissionReads {
  private readonly memo = new Map<string, Promise<unknown>>();
  private liveKeys = new Set<string>();
  private userCounts = new Map<string, number>();
  private deviceCounts = new Map<string, number>();
  private serviceAddresses: Set<string> | undefined;
  /** Addresses looked up, and which of them a live session (stored, or admitted in this batch) holds. */
  private readonly addressesKnown = new Set<string>();
  private readonly addressesTaken = new Set<string>();

  private constructor(private readonly tx: Store, private readonly pool: Pool) {}

  /** Reads what the batch's requests share: their keys in use and their users' and devices' live sessions. */
  static async of(tx: Store, pool: Pool, batch: readonly { caller: Caller; request: { wgPublicKey: string } }[]): Promise<AdmissionReads> {
    const reads = new AdmissionReads(tx, pool);
    reads.liveKeys = await tx.sessions.liveKeysAmong([...new Set(batch.map((a) => a.request.wgPublicKey))]);
    const counts = await tx.sessions.activeCountsOf([...new Set(batch.map((a) => a.caller.user))], [...new Set(batch.map((a) => a.caller.deviceId))]);
    reads.userCounts = counts.users;
    reads.deviceCounts = counts.devices;
    return reads;
  }

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = read()));
    return p;
  }

  standingRefusal(caller: Caller): Promise<string | undefined> {
    return this.once(JSON.stringify(['standing', caller.user, caller.deviceId, caller.certSerial]), () => deviceStandingRefusal(this.tx, caller.user, caller.deviceId, caller.certSerial));
  }

  isKeyLive(key: string): boolean {
    return this.liveKeys.has(key);
  }

  activeCounts(caller: Caller): { user: number; device: number } {
    return { user: this.userCounts.get(caller.user) ?? 0, device: this.deviceCounts.get(caller.deviceId) ?? 0 };
  }

  mfa(certSerial: string): Promise<boolean> {
    return this.once(JSON.stringify(['login', certSerial]), async () => (await loginOf(this.tx, certSerial)).mfa);
  }

  /** The decision for a caller with this posture; `read` makes it when no earlier request of the batch did. */
  decision(caller: Caller, posture: Posture, read: () => Promise<Decision>): Promise<Decision> {
    return this.once(JSON.stringify(['decision', caller.user, caller.certSerial, posture]), read);
  }

  /** Whether a live session or a gateway's service address holds `address`. */
  async isAddressTaken(address: string): Promise<boolean> {
    this.serviceAddresses ??= new Set((await this.tx.gateways.list()).map((g) => g.serviceAddress).filter((a) => a !== ''));
    if (this.serviceAddresses.has(address)) return true;
    if (!this.addressesKnown.has(address)) await this.lookUpFrom(address);
    return this.addressesTaken.has(address);
  }

  /** Looks up the window of addresses starting at `address` (to the end of the pool). */
  private async lookUpFrom(address: string): Promise<void> {
    const first = ipv4ToNumber(address);
    const window: string[] = [];
    for (let n = first; n <= this.pool.last && window.length < ADDRESS_WINDOW; n++) window.push(numberToIpv4(n));
    const live = await this.tx.sessions.liveAddressesAmong(window);
    for (const a of window) {
      this.addressesKnown.add(a);
      if (live.has(a)) this.addressesTaken.add(a);
    }
  }

  /** A session of the batch was admitted: later requests see its key, address and counts. */
  admitted(caller: Caller, key: string, address: string): void {
    this.liveKeys.add(key);
    this.addressesKnown.add(address);
    this.addressesTaken.add(address);
    this.userCounts.set(caller.user, (this.userCounts.get(caller.user) ?? 0) + 1);
    this.deviceCounts.set(caller.deviceId, (this.deviceCounts.get(caller.deviceId) ?? 0) + 1);
  }
}
