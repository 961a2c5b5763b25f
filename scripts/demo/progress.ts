// Visible progress for the demo: one line per step with a spinner while it runs (on a
// terminal) and its duration when it ends; every step is also kept for the JSON summary.
import type { StepRecord } from './summary.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Formats a duration the way people read it: "840 ms", "3.2 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export class Progress {
  readonly steps: StepRecord[] = [];

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {}

  /** Runs one step; `describe` turns its result into the detail shown after the timing. */
  async step<T>(name: string, fn: () => Promise<T>, describe: (r: T) => string = () => ''): Promise<T> {
    const start = performance.now();
    let frame = 0;
    const spinner = this.out.isTTY
      ? setInterval(() => this.out.write(`\r${FRAMES[frame++ % FRAMES.length]} ${name} ${formatMs(performance.now() - start)}`), 80)
      : undefined;
    const finish = (ok: boolean, detail: string) => {
      clearInterval(spinner);
      const ms = Math.round(performance.now() - start);
      this.steps.push({ name, ms, ok, detail });
      const clear = this.out.isTTY ? '\r\x1b[K' : '';
      this.out.write(`${clear}${ok ? '✔' : '✖'} ${name} (${formatMs(ms)})${detail ? ` — ${detail}` : ''}\n`);
    };
    try {
      const r = await fn();
      finish(true, describe(r));
      return r;
    } catch (e) {
      finish(false, (e as Error).message.split('\n')[0] ?? '');
      throw e;
    }
  }

  /** An indented line of narration under the current step. */
  say(text: string): void {
    for (const line of text.split('\n')) this.out.write(`    ${line}\n`);
  }
}
