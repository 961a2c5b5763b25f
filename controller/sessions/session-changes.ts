// The 'wicket_session_change' notification: which sessions a controller changed (opened,
// updated, ended), so that every other controller of the database tells the clients it
// serves of them (a client's Watch may be on one controller while its session is revoked on
// another) and arms or disarms their expiry timers. The payload is the sending controller's
// id, then the session ids: a controller skips its own (it told its clients when it
// committed), and payloads are chunked to stay under PostgreSQL's limit. A change of many
// sessions at once (a policy apply re-evaluating every session) is one payload naming no id
// but `*`: every controller then reads its watched sessions and timers again. Notifications
// go through PostgreSQL's one queue at commit, so a commit never sends megabytes of ids.
import { MAX_PAYLOAD_BYTES, type Notifier, type Transaction } from '../store/notifications.js';

export const SESSION_CHANGE_CHANNEL = 'wicket_session_change';

/** Past this many sessions one change is announced as `*` (all). */
export const SESSION_CHANGE_BULK = 256;

/** The payloads naming `ids`, each `<controllerId> <id> <id> ...` within MAX_PAYLOAD_BYTES. */
export function sessionChangePayloads(controllerId: string, ids: readonly string[]): string[] {
  if (ids.length > SESSION_CHANGE_BULK) return [`${controllerId} *`];
  const payloads: string[] = [];
  let current = controllerId;
  for (const id of ids) {
    if (Buffer.byteLength(current) + 1 + Buffer.byteLength(id) > MAX_PAYLOAD_BYTES && current !== controllerId) {
      payloads.push(current);
      current = controllerId;
    }
    current += ` ${id}`;
  }
  if (current !== controllerId) payloads.push(current);
  return payloads;
}

/** The sender and the session ids of a payload (an empty list for an empty one); `all` for `*`. */
export function parseSessionChange(payload: string): { from: string; ids: string[]; all: boolean } {
  const [from = '', ...ids] = payload.split(' ').filter((part) => part !== '');
  return ids.length === 1 && ids[0] === '*' ? { from, ids: [], all: true } : { from, ids, all: false };
}

/** Tells every controller, when `tx` commits, that `ids` changed. */
export async function notifySessionChanges(notifier: Notifier, tx: Transaction, controllerId: string, ids: readonly string[]): Promise<void> {
  for (const payload of sessionChangePayloads(controllerId, ids)) await notifier.notify(tx, SESSION_CHANGE_CHANNEL, payload);
}
