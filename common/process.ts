// Other processes as /proc and signal 0 show them: whether one is alive, and which network
// namespace it lives in. Used by the client (its detached session agent) and the WireGuard
// interface code (wireguard-go daemons).
import { readlinkSync } from 'node:fs';

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The namespace (`net:[inode]`) a process lives in, or null when it is gone (or a zombie). */
export function netnsOfPid(pid: number | 'self'): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return null;
  }
}

/**
 * True when the process still runs: alive, and not a zombie (an exited process not yet
 * reaped still answers signal 0, but has no namespace link any more).
 */
export function processRunning(pid: number): boolean {
  return processAlive(pid) && netnsOfPid(pid) !== null;
}
