// A long-lived `nft -i` for the data plane's small transactions (a delta's few elements).
// Starting `nft` costs a process and the library's set-up on every apply — 4–10 ms here,
// several times that on a busy host, most of a grant's or revoke's latency — while a line
// written to an interactive nft is one transaction (atomic: measured, a line whose second
// command fails adds nothing) that takes about 1.5 ms.
//
// nft -i says nothing on success, so each transaction line is followed by a fence: the
// listing of a set that never exists, whose error (on stderr, unbuffered, after anything the
// transaction printed) carries a unique marker. Whatever stderr held before the fence's
// error is the transaction's own error. Big transactions (snapshots) still go through
// `nft -f -`: the interactive line reader takes ~0.2 s for an 80 KiB line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { inNetns } from '../../common/exec.js';

/** Transactions up to this size go through the shell; larger ones through `nft -f -`. */
export const SHELL_MAX_BYTES = 8 * 1024;

const FENCE_SET = 'inet wicket wicket_fence_';

/**
 * The transaction's own output if `stderr` holds the whole fence `n` (its Error line, the
 * echoed command and the caret line under it), with what follows it; undefined while the
 * fence is incomplete.
 */
export function splitAtFence(stderr: string, n: number): { output: string; rest: string } | undefined {
  const marker = `${FENCE_SET}${n}\n`;
  const at = stderr.indexOf(marker);
  if (at < 0) return undefined;
  const caretEnd = stderr.indexOf('\n', at + marker.length);
  if (caretEnd < 0) return undefined;
  const errorLine = stderr.lastIndexOf('Error:', at);
  return { output: stderr.slice(0, Math.max(0, errorLine)).trim(), rest: stderr.slice(caretEnd + 1) };
}

export class NftShell {
  private child: ChildProcessWithoutNullStreams | null = null;
  private stderr = '';
  private fence = 0;
  private wake: (() => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param netns run nft in this named namespace (tests); default: our own */
  constructor(private readonly opts: { timeoutMs?: number; netns?: string } = {}) {}

  /** Runs `text` (newline-separated nft commands) as ONE transaction. */
  run(text: string): Promise<void> {
    const next = this.queue.then(() => this.runNow(text));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Ends the nft process (it also ends by itself when our end of its stdin closes). */
  close(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  private start(): ChildProcessWithoutNullStreams {
    // HOME=/dev/null: nft -i keeps a history file under $HOME; there is none to write.
    const [file, argv] = inNetns(this.opts.netns, 'nft', ['-i']);
    const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/dev/null' } });
    // Not what keeps us running: a process that is done may exit, and nft sees EOF and ends.
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
    child.stdout.resume();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      this.stderr += d;
      this.wake?.();
    });
    child.stdin.on('error', () => undefined);
    child.on('exit', () => {
      if (this.child === child) this.child = null;
      this.wake?.();
    });
    child.on('error', () => undefined);
    this.stderr = '';
    return child;
  }

  private async runNow(text: string): Promise<void> {
    const child = this.child ??= this.start();
    const n = ++this.fence;
    const line = text.trim().split('\n').join('; ');
    child.stdin.write(`${line}\nlist set ${FENCE_SET}${n}\n`);
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const split = splitAtFence(this.stderr, n);
      if (split) {
        this.stderr = split.rest;
        if (split.output) throw new Error(`nft: ${split.output.replace(/\s+/g, ' ')}`);
        return;
      }
      if (this.child !== child || Date.now() > deadline) {
        // Unknown whether the line ran: a new process next time, and the caller's error
        // makes the data plane reconcile from a snapshot.
        const why = this.child !== child ? 'nft -i ended unexpectedly' : `nft -i gave no answer within ${timeoutMs} ms`;
        if (this.child === child) this.close();
        throw new Error(`${why}${this.stderr ? `: ${this.stderr.trim().slice(0, 300)}` : ''}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now() + 1));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}
