// The longest delay a Node timer takes: setTimeout overflows past 2^31-1 ms (about 24.8
// days) and then fires at once, so longer waits are capped to this and re-armed.
export const MAX_TIMER_MS = 2 ** 31 - 1;
