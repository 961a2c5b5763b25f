// The service modules wired into a running controller beyond the core (Auth and the core
// Admin handlers): sessions, gateway sync, telemetry. Each factory gets the controller
// context, may install hooks on it, and returns handler objects (see api/server.ts).
import type { ControllerContext } from '../api/context.js';
import type { ServiceSet } from '../api/server.js';
import { sessionModule } from '../sessions/module.js';

export type ServiceModule = (ctx: ControllerContext) => ServiceSet & { close?: () => Promise<void> | void };

/** The modules a controller runs with. */
export const SERVICE_MODULES: ServiceModule[] = [sessionModule()];
