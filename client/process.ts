// Process liveness by pid: whether the detached session agent recorded in session.json
// still runs (for `status`, `down` and a second `up`).

/** True when a process with this pid exists. */
export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
