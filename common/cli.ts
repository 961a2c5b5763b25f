// Helpers shared by the four command-line programs: run a commander program with one error
// path (message on stderr, non-zero exit), print JSON or aligned tables, read secrets from stdin.
// It loads no gRPC: a command that never calls the controller should not pay for it.
import type { Command } from 'commander';

/** An error whose message is meant for the user as is (no stack trace). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Prints `message` to stderr as "<program>: error: ..." and exits non-zero. */
export function fail(message: string, exitCode = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(exitCode);
}

/** Parses argv and runs the chosen action; any failure (gRPC or otherwise) ends in `fail`. */
export async function runProgram(program: Command, argv: string[] = process.argv): Promise<void> {
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    // commander already printed its own usage errors and help text.
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) process.exit(e.exitCode ?? 1);
    fail(await errorMessage(err), err instanceof CliError ? err.exitCode : 1);
  }
}

/** The message of a failure; gRPC (for its status names) is loaded only for a gRPC status error, which means it is loaded already. */
async function errorMessage(err: unknown): Promise<string> {
  if (typeof (err as { code?: unknown } | null)?.code === 'number') return (await import('./grpc.js')).grpcErrorMessage(err);
  return err instanceof Error ? err.message : String(err);
}

/** Prints a value as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export type Cell = string | number | boolean | null | undefined;

/** Renders rows as a left-aligned table with a header line. */
export function formatTable(headers: string[], rows: Cell[][]): string {
  const text = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...text.map((r) => (r[i] ?? '').length)));
  return text.map((r) => r.map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** Prints `value` as JSON when `json` is set, else the table built from it. */
export function output<T>(json: boolean | undefined, value: T, table: (v: T) => { headers: string[]; rows: Cell[][] } | string): void {
  if (json) return printJson(value);
  const t = table(value);
  process.stdout.write(typeof t === 'string' ? (t.endsWith('\n') ? t : `${t}\n`) : formatTable(t.headers, t.rows));
}

/** Reads all of stdin (for --password-stdin); strips one trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Formats an epoch-milliseconds time for tables ("" for 0). */
export function formatTime(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}

/** A commander argument parser for a non-negative integer option. */
export function nonNegativeInt(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new CliError(`${flag} must be a non-negative integer, got "${value}"`);
    return Number(value);
  };
}
