// One zod validation failure as a short phrase, "path.to.field: message", for the error
// messages that name the bad field of a file or a peer's answer. Only the first issue is
// named: it is the one to fix first, and a line stays readable.
import type { z } from 'zod';

/** "field.path: message" of the first issue; `rootName` stands for an empty path. */
export function describeFirstIssue(error: z.ZodError, rootName = ''): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || rootName}: ${issue?.message}`;
}
