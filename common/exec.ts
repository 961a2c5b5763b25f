// The subprocess runner every OS tool call goes through (wg, ip, nft, conntrack, the
// topology scripts): an argument array (never a shell line), secrets only on stdin, an
// optional named network namespace, a timeout, and errors that name the command but never
// carry what was sent on stdin or anything shaped like a key.
import { spawn } from 'node:child_process';
import { WG_KEY_IN_TEXT } from './formats.js';

export interface RunOptions {
  /** Written to the child's stdin (then closed). Never echoed in errors. */
  stdin?: string;
  /** Run inside this named network namespace (`ip netns exec`); for tests and tooling. */
  netns?: string;
  /** Kill the child after this long (default 30 s). */
  timeoutMs?: number;
  /**
   * The tool opens `/dev/stdin` by path (as `wg` does). Node gives a child a socket as
   * stdin, and opening a socket through /proc/self/fd fails (ENXIO), so a `cat` in between
   * turns it into a real pipe. The data still never touches argv or a file.
   */
  stdinByPath?: boolean;
}

/** Removes anything shaped like a key, so a tool that echoes bad input cannot leak one. */
export function scrubKeys(text: string): string {
  return text.replace(WG_KEY_IN_TEXT, '[key]');
}

/** The argv to run `cmd args` in `netns` (or directly). */
export function inNetns(netns: string | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, cmd, ...args]] : [cmd, [...args]];
}

/**
 * Runs a tool with an argument array, feeds `stdin`, resolves with stdout. The error names
 * the command, its arguments (which never hold secrets by construction) and its stderr with
 * key-shaped text scrubbed — never stdin.
 */
export function runTool(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const [file, argv] = opts.stdinByPath
    ? inNetns(opts.netns, 'sh', ['-c', 'cat | "$@"', 'sh', cmd, ...args])
    : inNetns(opts.netns, cmd, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => { /* the exit status reports the failure */ });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const stderr = scrubKeys(Buffer.concat(err).toString('utf8').trim());
      const status = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const shown = args.join(' ');
      const argText = shown.length > 300 ? `${shown.slice(0, 300)}… (${args.length} arguments)` : shown;
      reject(new Error(`${cmd} ${argText} ${status}${stderr ? `: ${stderr}` : ''}`));
    });
    child.stdin.end(opts.stdin ?? '');
  });
}
