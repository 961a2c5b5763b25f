// The demo's machine-readable summary (`npm run demo -- --json`): one zod schema, so the
// demo that prints it and the end-to-end test that checks it agree on every field.
import { z } from 'zod';

export const StepRecord = z.object({
  name: z.string(),
  ms: z.number().int().nonnegative(),
  ok: z.boolean(),
  detail: z.string(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const DemoSummary = z.object({
  /** alice fetched the web app's page through her session. */
  webappReached: z.boolean(),
  /** The page's first line, as fetched. */
  webappFirstLine: z.string(),
  /** alice's connection to the database port did not complete. */
  databaseBlocked: z.boolean(),
  /** bob reached the web app and the database. */
  bobReachedBoth: z.boolean(),
  /** ms from the controller recording the revocation (its audit record) to the last echo through alice's open connection. */
  revocationCutMs: z.number().nullable(),
  /** alice's open connection stopped carrying data after the revocation. */
  connectionCut: z.boolean(),
  /** ms from the revocation to the gateway's acknowledgement of it. */
  gatewayAckMs: z.number().nullable(),
  /** The gateway's flow records reached the controller (`wicketctl flows`). */
  flowsRecorded: z.boolean(),
  /** `wicketctl audit verify` accepted the hash chain. */
  auditVerified: z.boolean(),
  /** The admin console served its sign-in page over HTTPS with the controller's certificate. */
  consoleAnswered: z.boolean(),
  totalMs: z.number().int().nonnegative(),
  steps: z.array(StepRecord),
  /** What the run created, so that a test can check that none of it is left behind. */
  run: z.object({
    namespaces: z.array(z.string()),
    interfaces: z.array(z.string()),
    dir: z.string(),
    pids: z.array(z.number().int().positive()),
  }),
  /** Set when a step failed (the remaining outcomes are then false/null). */
  error: z.string().optional(),
});
export type DemoSummary = z.infer<typeof DemoSummary>;

/** The outcomes a healthy system must show. */
export function expectedOutcomesMet(s: DemoSummary): boolean {
  return s.error === undefined && s.webappReached && s.databaseBlocked && s.bobReachedBoth && s.connectionCut
    && s.auditVerified && s.flowsRecorded && s.consoleAnswered;
}
