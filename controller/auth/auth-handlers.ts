// The Auth service on the auth port (server TLS only): Login, EnrollGateway and the single
// sign-on device flow (StartSsoLogin, PollSsoLogin; controller/sso).
import type { AuthHandlers } from '../../proto/generated/wicket/v1/Auth.js';
import { anyone, unary } from '../api/handler.js';
import { invalidArgument, failedPrecondition } from '../errors.js';
import { LoginService, type LoginDeps } from './login.js';
import { enrollGateway, type EnrollDeps } from './enroll.js';
import { CsrError } from '../crypto/ca.js';
import type { SsoLogins } from '../sso/device-login.js';

/** The caller's address without the port ("ipv4:1.2.3.4:5678" -> "1.2.3.4"). */
export function peerAddress(call: { getPeer(): string }): string {
  const peer = call.getPeer().replace(/^ipv[46]:/, '');
  return peer.replace(/^\[(.*)\]:\d+$/, '$1').replace(/^([^:]+):\d+$/, '$1');
}

/** Runs `fn`, turning a malformed CSR into INVALID_ARGUMENT naming the field. */
async function withCsr<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CsrError) throw invalidArgument(`csr_pem: ${err.message}`);
    throw err;
  }
}

function configured(logins: SsoLogins | undefined): SsoLogins {
  if (!logins) throw failedPrecondition('single sign-on is not configured on this controller (wicket-controller start --oidc-config)');
  return logins;
}

/** `sso` is the controller's single sign-on; undefined when no identity provider is configured. */
export type AuthDeps = LoginDeps & EnrollDeps;

export function authService(ctx: AuthDeps, sso: SsoLogins | undefined, login = new LoginService(ctx)): AuthHandlers {
  return {
    Login: unary(ctx.log, { method: 'Login', caller: anyone, request: 'LoginRequest' }, (req, _caller, call) => {
      return withCsr(() => login.login(req, peerAddress(call)));
    }),
    EnrollGateway: unary(ctx.log, { method: 'EnrollGateway', caller: anyone, request: 'EnrollGatewayRequest' }, (req, _caller, call) => {
      return withCsr(() => enrollGateway(ctx, req.token, req.csrPem, req.wgPublicKey, peerAddress(call)));
    }),
    StartSsoLogin: unary(ctx.log, { method: 'StartSsoLogin', caller: anyone, request: 'StartSsoLoginRequest' }, (req, _caller, call) => {
      return withCsr(() => configured(sso).start(req, peerAddress(call)));
    }),
    PollSsoLogin: unary(ctx.log, { method: 'PollSsoLogin', caller: anyone, request: 'PollSsoLoginRequest' }, (req) => configured(sso).poll(req.loginId)),
  };
}
