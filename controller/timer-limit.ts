// The longest delay a Node timer holds (2^31-1 ms, rounded down); a later deadline is armed
// for this long and re-armed when it fires. Shared by every controller timer that waits for
// an expiry (sessions, just-in-time approvals).
export const MAX_TIMER_MS = 2_000_000_000;
