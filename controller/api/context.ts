// What every service handler of the controller works with: the store, audit log, CA,
// master key, authorizer, logger, metrics, configuration and the hooks through which the
// session layer hears about changes it must act on.
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { CertificateAuthority } from '../crypto/ca.js';
import type { MasterKey } from '../crypto/masterkey.js';
import type { Authorize } from './authz.js';
import type { Logger } from '../../common/log.js';
import type { ControllerMetrics } from './metrics.js';
import type { Policy } from '../policy/index.js';
import type { SessionSettings } from '../sessions/sessions.js';
import type { GatewayStreams } from './gateway-streams.js';
import type { InternalErrorReporter } from './internal-errors.js';

export interface ControllerConfig {
  /** Lifetime of user certificates (the re-authentication interval). */
  reauthIntervalMs: number;
  /** The API endpoint told to clients at login ("" = they use the auth host). */
  publicApi: string;
  /** Lifetime of gateway certificates. */
  gatewayCertValidityMs: number;
  /** Session settings given at start (the rest are the session module's defaults). */
  sessions: Partial<SessionSettings>;
}

/**
 * Hooks the session layer installs. Each may be left unset (nothing to do). They run after
 * the change is committed.
 */
export interface ControllerHooks {
  /** A new policy version was applied; returns how many live sessions changed. */
  onPolicyApplied?: (policy: Policy, version: number) => Promise<number> | number;
  /** A user was disabled or enabled or their groups changed. */
  onUserChanged?: (user: string, change: 'disabled' | 'enabled' | 'groups', actor: string) => Promise<void> | void;
  /** How many live sessions a gateway serves (for ListGateways). */
  sessionsOnGateway?: (gateway: string) => number;
  /** Live WireGuard figures of a session, from gateway telemetry (installed by the telemetry module). */
  sessionStats?: (sessionId: string) => { rxBytes: number; txBytes: number; lastHandshakeMs: number } | undefined;
  /** Revokes a session through the same path as an admin revoke (installed by the session module). */
  revokeSession?: (sessionId: string, reason: string, actor: string) => void;
}

export interface ControllerContext {
  store: Store;
  audit: Audit;
  ca: CertificateAuthority;
  masterKey: MasterKey;
  authorize: Authorize;
  log: Logger;
  metrics: ControllerMetrics;
  config: ControllerConfig;
  hooks: ControllerHooks;
  /** Open gateway streams, ended when their certificate is retired. */
  gatewayStreams: GatewayStreams;
  now: () => number;
  /** Logs and counts an unexpected error caught at a boundary (api/internal-errors.ts). */
  reportInternal: InternalErrorReporter;
}
