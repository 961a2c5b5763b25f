// What a feature module contributes to a running controller: handler objects for the gRPC
// services and a way to stop. The composition root (start.ts) calls each module with the
// controller context and assembles the servers from what they return.
import type { ControllerContext } from './context.js';
import type { ServiceSet } from '../api/server.js';
import type { AppAccess } from '../console/app-sign-in.js';
import type { ControllerLoad } from '../controllers/controller-store.js';

/**
 * What a module returns: its handlers, a way to stop, (the session module) the tickets
 * browsers take to public HTTP resources, served on the console listener, and what it holds
 * now, for this controller's heartbeat in the registry of controllers.
 */
export type ModuleServices = ServiceSet & { close?: () => Promise<void> | void; appAccess?: AppAccess; load?: () => ControllerLoad };

/** A module may read the store while it starts (the sessions it resumes), so it may be asynchronous. */
export type ServiceModule = (ctx: ControllerContext) => ModuleServices | Promise<ModuleServices>;
