// Hostile input generators (fast-check, seeded so a failure replays): random bytes, byte-level
// mutations of valid encoded requests, field-level replacements with hostile values (SQL,
// path traversal, control characters, huge and negative numbers, oversized strings), and
// line-level mutations of a valid policy file.
import fc from 'fast-check';

/** Strings that have broken real systems: SQL, paths, control and format characters, odd Unicode. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE users;--", "alice' OR '1'='1", 'robert"); DELETE FROM sessions; --', '../../../../etc/passwd', '..\\..\\windows',
  '/dev/zero', 'a\u0000b', 'line\nbreak', 'tab\there', '\u001b[31mred', '\r\n\r\n', '%s%s%n', '${jndi:ldap://x}', '{{7*7}}',
  '\u202eevil', '\ud800', 'é', '😀', ' ', '', '-', '--help', 'wicket://admin/admin', '100.64.0.1', '0.0.0.0/0', '*', 'NULL',
];

/** A hostile replacement for a value of the same JSON type (or deliberately of another). */
export const hostileValue = (): fc.Arbitrary<unknown> => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.nat({ max: 300_000 }).map((n) => 'A'.repeat(n)) },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e300) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HOSTILE_STRINGS), { maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constant({}) },
);

/** Paths ("a", "b.c", "d.0") of every leaf and sub-object in `obj`. */
export function fieldPaths(obj: unknown, prefix: string[] = []): string[][] {
  if (obj === null || typeof obj !== 'object') return prefix.length ? [prefix] : [];
  const entries = Array.isArray(obj) ? obj.map((v, i) => [String(i), v] as const) : Object.entries(obj);
  return [...(prefix.length ? [prefix] : []), ...entries.flatMap(([k, v]) => fieldPaths(v, [...prefix, k]))];
}

/** A deep copy of `obj` with the value at `path` replaced. */
export function replaceAt(obj: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: Record<string, unknown> = Array.isArray(obj) ? [...obj] as unknown as Record<string, unknown> : { ...(obj as Record<string, unknown>) };
  copy[path[0]!] = replaceAt(copy[path[0]!], path.slice(1), value);
  return copy;
}

type ByteOp = { op: 'flip' | 'set' | 'insert' | 'delete' | 'truncate' | 'dup'; at: number; len: number; byte: number };

const byteOp: fc.Arbitrary<ByteOp> = fc.record({
  op: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate', 'dup'),
  at: fc.nat(), len: fc.integer({ min: 1, max: 64 }), byte: fc.nat({ max: 255 }),
});

/** Applies byte-level mutations (positions taken modulo the current length). */
export function mutateBytes(input: Buffer, ops: ByteOp[]): Buffer {
  let b = Buffer.from(input);
  for (const o of ops) {
    const at = b.length ? o.at % b.length : 0;
    if (o.op === 'flip' && b.length) b[at] = b[at]! ^ (1 << (o.byte % 8));
    else if (o.op === 'set' && b.length) b[at] = o.byte;
    else if (o.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.alloc(o.len, o.byte), b.subarray(at)]);
    else if (o.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + o.len)]);
    else if (o.op === 'truncate') b = b.subarray(0, at);
    else if (o.op === 'dup') b = Buffer.concat([b.subarray(0, at + o.len), b.subarray(at)]);
  }
  return b;
}

export type CaseKind = 'random' | 'bytes' | 'field';
export interface FuzzCase { kind: CaseKind; frame: Buffer }

/**
 * Cases for one method: random bytes, byte mutations of a valid encoding and hostile field
 * values re-encoded by `encode` (a value the encoder refuses falls back to raw bytes).
 */
export function casesFor(bases: unknown[], encode: (o: unknown) => Buffer, count: number, seed: number): FuzzCase[] {
  const encoded = bases.map(encode);
  const arb: fc.Arbitrary<FuzzCase> = fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((a): FuzzCase => ({ kind: 'random', frame: Buffer.from(a) })),
    fc.tuple(fc.nat({ max: encoded.length - 1 }), fc.array(byteOp, { minLength: 1, maxLength: 4 }))
      .map(([i, ops]): FuzzCase => ({ kind: 'bytes', frame: mutateBytes(encoded[i]!, ops) })),
    fc.tuple(fc.nat({ max: bases.length - 1 }), fc.nat(), hostileValue(), fc.uint8Array({ maxLength: 64 })).map(([i, p, v, fallback]): FuzzCase => {
      const paths = fieldPaths(bases[i]);
      const mutated = paths.length ? replaceAt(bases[i], paths[p % paths.length]!, v) : v;
      try {
        return { kind: 'field', frame: encode(mutated) };
      } catch {
        return { kind: 'random', frame: Buffer.from(fallback) };
      }
    }),
  );
  return fc.sample(arb, { seed, numRuns: count });
}

type LineOp = { op: 'delete' | 'dup' | 'swap' | 'hostile' | 'indent' | 'truncate'; at: number; other: number; text: string };

/** Policy files: random text, and line-level mutations of a valid policy. */
export function policyCases(valid: string, count: number, seed: number): string[] {
  const lineOp: fc.Arbitrary<LineOp> = fc.record({
    op: fc.constantFrom('delete', 'dup', 'swap', 'hostile', 'indent', 'truncate'),
    at: fc.nat(), other: fc.nat(), text: fc.oneof(fc.constantFrom(...HOSTILE_STRINGS, '{', '[', ': :', '- -', '&a *a', '!!binary', '0.0.0.0/0', 'tcp/0', 'tcp/70000'), fc.string({ maxLength: 30 })),
  });
  const mutate = (ops: LineOp[]) => {
    const lines = valid.split('\n');
    for (const o of ops) {
      const at = o.at % lines.length;
      if (o.op === 'delete') lines.splice(at, 1);
      else if (o.op === 'dup') lines.splice(at, 0, lines[at]!);
      else if (o.op === 'swap') [lines[at], lines[o.other % lines.length]] = [lines[o.other % lines.length]!, lines[at]!];
      else if (o.op === 'hostile') {
        // Replace one token of the line (a word, a value) with the hostile text.
        const words = lines[at]!.split(/(\s+|[:,[\]{}])/);
        const w = o.other % Math.max(1, words.length);
        words[w] = o.text;
        lines[at] = words.join('');
      } else if (o.op === 'indent') lines[at] = ' '.repeat(o.other % 7) + lines[at]!.trimStart();
      else lines.length = at;
      if (lines.length === 0) lines.push('');
    }
    return lines.join('\n');
  };
  const arb = fc.oneof(
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) },
    { weight: 4, arbitrary: fc.array(lineOp, { minLength: 1, maxLength: 3 }).map(mutate) },
  );
  return fc.sample(arb, { seed, numRuns: count });
}
