// What every console page plugin gets: the signed-in admin of a request, the Admin API as
// that admin, and the frame to render into. Pages own their routes (pages/*.ts) and declare
// nothing else: every rule they apply is the Admin service's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { AdminCall } from './admin-api.js';
import type { ConsoleSession } from './console-sessions.js';
import type { Frame } from './layout.js';

export interface PageContext {
  /** The signed-in admin (routes of page plugins are only reached signed in). */
  session(req: FastifyRequest): ConsoleSession;
  adminCall: AdminCall;
  /** Renders a page in the console frame, with the admin's name and CSRF token. */
  render(req: FastifyRequest, reply: FastifyReply, frame: Omit<Frame, 'admin'>, status?: number): FastifyReply;
  /** A CSRF token for a form of this admin's. */
  csrf(req: FastifyRequest, reply: FastifyReply): string;
  /** Redirects after a change, with a one-time notice shown by the next page. */
  redirect(reply: FastifyReply, path: string, notice: string): FastifyReply;
  /** The controller's own metrics (what the overview charts read in-process). */
  metrics: Registry;
  now: () => number;
}

export type ConsolePage = (app: FastifyInstance, ctx: PageContext) => void;
