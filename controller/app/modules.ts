// The feature modules a controller runs with beyond the core (Auth and the core Admin
// handlers): sessions (with gateway sync and just-in-time access) and telemetry.
import { sessionModule } from '../sessions/module.js';
import { telemetryModule, type TelemetrySettings } from '../telemetry/module.js';
import type { ServiceModule } from './service-module.js';

/** The modules a controller runs with, given the settings from the command line. */
export function serviceModules(settings: { telemetry?: Partial<TelemetrySettings> } = {}): ServiceModule[] {
  return [sessionModule(), telemetryModule(settings.telemetry)];
}
