// The service modules wired into a running controller beyond the core (Auth and the core
// Admin handlers): sessions, gateway sync, telemetry. Each factory gets the controller
// context, may install hooks on it, and returns handler objects (see api/server.ts).
import type { ControllerContext } from '../api/context.js';
import type { ServiceSet } from '../api/server.js';
import { sessionModule } from '../sessions/module.js';
import { telemetryModule, type TelemetrySettings } from '../telemetry/module.js';

export type ServiceModule = (ctx: ControllerContext) => ServiceSet & { close?: () => Promise<void> | void };

/** The modules a controller runs with, given the settings from the command line. */
export function serviceModules(settings: { telemetry?: Partial<TelemetrySettings> } = {}): ServiceModule[] {
  return [sessionModule(), telemetryModule(settings.telemetry)];
}

/** The modules a controller runs with by default. */
export const SERVICE_MODULES: ServiceModule[] = serviceModules();
