// Where the Auth service finds the controller's single sign-on: start.ts attaches the
// SsoLogins of a running controller to its context. (A field of ControllerContext would
// say the same; this keeps SSO out of the core context until the lead decides.)
import type { ControllerContext } from '../api/context.js';
import type { SsoLogins } from './device-login.js';

const attached = new WeakMap<ControllerContext, SsoLogins>();

export function attachSso(ctx: ControllerContext, sso: SsoLogins): void {
  attached.set(ctx, sso);
}

/** The controller's SSO logins; undefined when no identity provider is configured. */
export function ssoOf(ctx: ControllerContext): SsoLogins | undefined {
  return attached.get(ctx);
}
