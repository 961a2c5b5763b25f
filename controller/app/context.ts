// Everything the composition root builds and wires the features from: the store, audit log,
// CA, master key, authorizer, logger, metrics, configuration and the revocation module through
// which every loss of access goes. Only app/ sees it whole: each feature declares the narrow
// deps it uses (LoginDeps, SessionModuleDeps, ...) and this one object satisfies them all.
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { CertificateAuthority } from '../crypto/ca.js';
import type { MasterKey } from '../crypto/masterkey.js';
import type { Authorize } from '../api/authz.js';
import type { Logger } from '../../common/log.js';
import type { ControllerMetrics } from '../api/metrics.js';
import type { Revocation } from '../revocation/revocation.js';
import type { SessionSettings } from '../sessions/session-manager.js';
import type { GatewayStreams } from '../api/gateway-streams.js';
import type { InternalErrorReporter } from '../internal-errors.js';
import type { Pool } from '../sessions/ipam.js';
import type { AssertionKeys } from '../assertion-keys/assertion-keys.js';
import type { ControllerRegistry } from '../controllers/registry.js';
import type { Notifier } from '../store/notifications.js';

export interface ControllerConfig {
  /** Lifetime of user certificates (the re-authentication interval). */
  reauthIntervalMs: number;
  /** The API endpoint told to clients at login ("" = they use the auth host). */
  publicApi: string;
  /** Lifetime of gateway certificates. */
  gatewayCertValidityMs: number;
  /** Session settings given at start (the rest are the session module's defaults). */
  sessions: Partial<SessionSettings>;
  /** The overlay pool (sessions' addresses from the bottom, gateways' service addresses from the top). */
  overlayPool: Pool;
  /** The IPv6 overlay prefix, canonical (controller/sessions/overlay-ipv6.ts): every overlay address's twin. */
  overlayIpv6: string;
  /** The identity assertions' `iss` (GatewayConfig.issuer). */
  issuer: string;
  /** Where a browser signs in for a public HTTP resource ('' = no console listener). */
  signInUrl: string;
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
  /** Every way a session, user or device loses access (controller/revocation/). */
  revocation: Revocation;
  /** Open gateway streams, ended when their certificate is retired. */
  gatewayStreams: GatewayStreams;
  now: () => number;
  /** Logs and counts an unexpected error caught at a boundary (controller/internal-errors.ts). */
  reportInternal: InternalErrorReporter;
  /** The ES256 keys of identity assertions and sign-in tickets, and the JWKS (controller/assertion-keys/). */
  assertionKeys: AssertionKeys;
  /** This controller's entry among the controllers sharing the database (controller/controllers/); started once the listeners are bound. */
  controllerRegistry: ControllerRegistry;
  /** Wake-ups between the controllers of the database (controller/store/notifications.ts), listening once started. */
  notifier: Notifier;
}
