// parsePolicy: YAML text -> compiled Policy, or every error found, each with its line,
// column and path. Stages: YAML syntax (source.ts), structure and formats (schema.ts, zod),
// cross-references (references.ts), then compilation with indexes (policy.ts). Never throws.
import type { z } from 'zod';
import { compilePolicy, type Policy } from './policy.js';
import { checkReferences, namedUsers, type PathError } from './references.js';
import { policySchema } from './schema.js';
import { formatPath, readYaml, type PolicyError, type YamlSource } from './source.js';

export type ParseResult = { ok: true; policy: Policy } | { ok: false; errors: PolicyError[] };

/** zod issues as path errors; unknown keys and bad record keys point at the key itself. */
function fromZod(issues: z.core.$ZodIssue[]): PathError[] {
  return issues.flatMap((issue): PathError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...issue.path, key], message: `unknown key "${key}"`, atKey: true }));
    }
    if (issue.code === 'invalid_key') {
      return [{ path: issue.path, message: issue.issues[0]?.message ?? issue.message, atKey: true }];
    }
    return [{ path: issue.path, message: issue.message }];
  });
}

function located(source: YamlSource, errors: PathError[]): PolicyError[] {
  return errors
    .map((e) => ({ ...source.locate(e.path, e.atKey), path: formatPath(e.path), message: e.message }))
    .sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}

function parse(text: string): ParseResult {
  const source = readYaml(text);
  if (source.errors.length > 0) return { ok: false, errors: source.errors };
  const structure = policySchema.safeParse(source.data ?? {});
  if (!structure.success) return { ok: false, errors: located(source, fromZod(structure.error.issues)) };
  const references = checkReferences(structure.data);
  if (references.length > 0) return { ok: false, errors: located(source, references) };
  return { ok: true, policy: compilePolicy(structure.data, text, namedUsers(structure.data), (path) => source.locate(path).line) };
}

/** Parses and validates a policy file. Any input, however malformed, yields errors, not exceptions. */
export function parsePolicy(text: string): ParseResult {
  if (typeof text !== 'string') return { ok: false, errors: [{ line: 0, column: 0, path: '', message: 'the policy must be text' }] };
  try {
    return parse(text);
  } catch (err) {
    // Defence in depth: a bug in a validator must reject the file, never crash the caller.
    return { ok: false, errors: [{ line: 0, column: 0, path: '', message: `internal error while validating: ${(err as Error).message}` }] };
  }
}
