// Original file: proto/wicket.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EnrollGatewayRequest as _wicket_v1_EnrollGatewayRequest, EnrollGatewayRequest__Output as _wicket_v1_EnrollGatewayRequest__Output } from '../../wicket/v1/EnrollGatewayRequest.js';
import type { EnrollGatewayResponse as _wicket_v1_EnrollGatewayResponse, EnrollGatewayResponse__Output as _wicket_v1_EnrollGatewayResponse__Output } from '../../wicket/v1/EnrollGatewayResponse.js';
import type { LoginRequest as _wicket_v1_LoginRequest, LoginRequest__Output as _wicket_v1_LoginRequest__Output } from '../../wicket/v1/LoginRequest.js';
import type { LoginResponse as _wicket_v1_LoginResponse, LoginResponse__Output as _wicket_v1_LoginResponse__Output } from '../../wicket/v1/LoginResponse.js';
import type { PollSsoLoginRequest as _wicket_v1_PollSsoLoginRequest, PollSsoLoginRequest__Output as _wicket_v1_PollSsoLoginRequest__Output } from '../../wicket/v1/PollSsoLoginRequest.js';
import type { PollSsoLoginResponse as _wicket_v1_PollSsoLoginResponse, PollSsoLoginResponse__Output as _wicket_v1_PollSsoLoginResponse__Output } from '../../wicket/v1/PollSsoLoginResponse.js';
import type { StartSsoLoginRequest as _wicket_v1_StartSsoLoginRequest, StartSsoLoginRequest__Output as _wicket_v1_StartSsoLoginRequest__Output } from '../../wicket/v1/StartSsoLoginRequest.js';
import type { StartSsoLoginResponse as _wicket_v1_StartSsoLoginResponse, StartSsoLoginResponse__Output as _wicket_v1_StartSsoLoginResponse__Output } from '../../wicket/v1/StartSsoLoginResponse.js';

/**
 * ---------------------------------------------------------------------------------------
 * Auth: unauthenticated callers on the auth port.
 * ---------------------------------------------------------------------------------------
 */
export interface AuthClient extends grpc.Client {
  /**
   * Exchanges a one-time join token and the gateway's CSR for a gateway certificate.
   */
  EnrollGateway(argument: _wicket_v1_EnrollGatewayRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_EnrollGatewayResponse__Output>): grpc.ClientUnaryCall;
  EnrollGateway(argument: _wicket_v1_EnrollGatewayRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_EnrollGatewayResponse__Output>): grpc.ClientUnaryCall;
  EnrollGateway(argument: _wicket_v1_EnrollGatewayRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_EnrollGatewayResponse__Output>): grpc.ClientUnaryCall;
  EnrollGateway(argument: _wicket_v1_EnrollGatewayRequest, callback: grpc.requestCallback<_wicket_v1_EnrollGatewayResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Exchanges a one-time join token and the gateway's CSR for a gateway certificate.
   */
  enrollGateway(argument: _wicket_v1_EnrollGatewayRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_EnrollGatewayResponse__Output>): grpc.ClientUnaryCall;
  enrollGateway(argument: _wicket_v1_EnrollGatewayRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_EnrollGatewayResponse__Output>): grpc.ClientUnaryCall;
  enrollGateway(argument: _wicket_v1_EnrollGatewayRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_EnrollGatewayResponse__Output>): grpc.ClientUnaryCall;
  enrollGateway(argument: _wicket_v1_EnrollGatewayRequest, callback: grpc.requestCallback<_wicket_v1_EnrollGatewayResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Password + TOTP login. On success the controller signs the device's CSR into a
   * certificate whose lifetime is the re-authentication interval: the certificate is the
   * authenticated session of that user on that device. Every failure (unknown user, wrong
   * password, wrong or replayed code, locked out, disabled) gets the same UNAUTHENTICATED
   * error so that the reply tells an attacker nothing.
   */
  Login(argument: _wicket_v1_LoginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_LoginResponse__Output>): grpc.ClientUnaryCall;
  Login(argument: _wicket_v1_LoginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_LoginResponse__Output>): grpc.ClientUnaryCall;
  Login(argument: _wicket_v1_LoginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_LoginResponse__Output>): grpc.ClientUnaryCall;
  Login(argument: _wicket_v1_LoginRequest, callback: grpc.requestCallback<_wicket_v1_LoginResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Password + TOTP login. On success the controller signs the device's CSR into a
   * certificate whose lifetime is the re-authentication interval: the certificate is the
   * authenticated session of that user on that device. Every failure (unknown user, wrong
   * password, wrong or replayed code, locked out, disabled) gets the same UNAUTHENTICATED
   * error so that the reply tells an attacker nothing.
   */
  login(argument: _wicket_v1_LoginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_LoginResponse__Output>): grpc.ClientUnaryCall;
  login(argument: _wicket_v1_LoginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_LoginResponse__Output>): grpc.ClientUnaryCall;
  login(argument: _wicket_v1_LoginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_LoginResponse__Output>): grpc.ClientUnaryCall;
  login(argument: _wicket_v1_LoginRequest, callback: grpc.requestCallback<_wicket_v1_LoginResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Asks how an SSO login stands. The controller polls the provider's token endpoint; once
   * the user approved it validates the ID token fully (signature against the provider's
   * keys, issuer, audience, expiry), maps the user, groups and MFA, and answers with the
   * same certificate a password login gives. A refused login gets UNAUTHENTICATED with
   * "invalid credentials" (the reason goes to the audit log); an unknown or finished login
   * id gets NOT_FOUND.
   */
  PollSsoLogin(argument: _wicket_v1_PollSsoLoginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PollSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  PollSsoLogin(argument: _wicket_v1_PollSsoLoginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PollSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  PollSsoLogin(argument: _wicket_v1_PollSsoLoginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PollSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  PollSsoLogin(argument: _wicket_v1_PollSsoLoginRequest, callback: grpc.requestCallback<_wicket_v1_PollSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Asks how an SSO login stands. The controller polls the provider's token endpoint; once
   * the user approved it validates the ID token fully (signature against the provider's
   * keys, issuer, audience, expiry), maps the user, groups and MFA, and answers with the
   * same certificate a password login gives. A refused login gets UNAUTHENTICATED with
   * "invalid credentials" (the reason goes to the audit log); an unknown or finished login
   * id gets NOT_FOUND.
   */
  pollSsoLogin(argument: _wicket_v1_PollSsoLoginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PollSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  pollSsoLogin(argument: _wicket_v1_PollSsoLoginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PollSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  pollSsoLogin(argument: _wicket_v1_PollSsoLoginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PollSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  pollSsoLogin(argument: _wicket_v1_PollSsoLoginRequest, callback: grpc.requestCallback<_wicket_v1_PollSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * --- Single sign-on (OIDC device authorization grant, RFC 8628; docs/sso.md) ---------
   * Starts an SSO login with a configured identity provider: the controller starts the
   * device authorization at the provider and answers with the URL and code the user
   * enters there. The CSR is bound to this login: the certificate is issued for its key.
   */
  StartSsoLogin(argument: _wicket_v1_StartSsoLoginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_StartSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  StartSsoLogin(argument: _wicket_v1_StartSsoLoginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_StartSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  StartSsoLogin(argument: _wicket_v1_StartSsoLoginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_StartSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  StartSsoLogin(argument: _wicket_v1_StartSsoLoginRequest, callback: grpc.requestCallback<_wicket_v1_StartSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  /**
   * --- Single sign-on (OIDC device authorization grant, RFC 8628; docs/sso.md) ---------
   * Starts an SSO login with a configured identity provider: the controller starts the
   * device authorization at the provider and answers with the URL and code the user
   * enters there. The CSR is bound to this login: the certificate is issued for its key.
   */
  startSsoLogin(argument: _wicket_v1_StartSsoLoginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_StartSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  startSsoLogin(argument: _wicket_v1_StartSsoLoginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_StartSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  startSsoLogin(argument: _wicket_v1_StartSsoLoginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_StartSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  startSsoLogin(argument: _wicket_v1_StartSsoLoginRequest, callback: grpc.requestCallback<_wicket_v1_StartSsoLoginResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * ---------------------------------------------------------------------------------------
 * Auth: unauthenticated callers on the auth port.
 * ---------------------------------------------------------------------------------------
 */
export interface AuthHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Exchanges a one-time join token and the gateway's CSR for a gateway certificate.
   */
  EnrollGateway: grpc.handleUnaryCall<_wicket_v1_EnrollGatewayRequest__Output, _wicket_v1_EnrollGatewayResponse>;
  
  /**
   * Password + TOTP login. On success the controller signs the device's CSR into a
   * certificate whose lifetime is the re-authentication interval: the certificate is the
   * authenticated session of that user on that device. Every failure (unknown user, wrong
   * password, wrong or replayed code, locked out, disabled) gets the same UNAUTHENTICATED
   * error so that the reply tells an attacker nothing.
   */
  Login: grpc.handleUnaryCall<_wicket_v1_LoginRequest__Output, _wicket_v1_LoginResponse>;
  
  /**
   * Asks how an SSO login stands. The controller polls the provider's token endpoint; once
   * the user approved it validates the ID token fully (signature against the provider's
   * keys, issuer, audience, expiry), maps the user, groups and MFA, and answers with the
   * same certificate a password login gives. A refused login gets UNAUTHENTICATED with
   * "invalid credentials" (the reason goes to the audit log); an unknown or finished login
   * id gets NOT_FOUND.
   */
  PollSsoLogin: grpc.handleUnaryCall<_wicket_v1_PollSsoLoginRequest__Output, _wicket_v1_PollSsoLoginResponse>;
  
  /**
   * --- Single sign-on (OIDC device authorization grant, RFC 8628; docs/sso.md) ---------
   * Starts an SSO login with a configured identity provider: the controller starts the
   * device authorization at the provider and answers with the URL and code the user
   * enters there. The CSR is bound to this login: the certificate is issued for its key.
   */
  StartSsoLogin: grpc.handleUnaryCall<_wicket_v1_StartSsoLoginRequest__Output, _wicket_v1_StartSsoLoginResponse>;
  
}

export interface AuthDefinition extends grpc.ServiceDefinition {
  EnrollGateway: MethodDefinition<_wicket_v1_EnrollGatewayRequest, _wicket_v1_EnrollGatewayResponse, _wicket_v1_EnrollGatewayRequest__Output, _wicket_v1_EnrollGatewayResponse__Output>
  Login: MethodDefinition<_wicket_v1_LoginRequest, _wicket_v1_LoginResponse, _wicket_v1_LoginRequest__Output, _wicket_v1_LoginResponse__Output>
  PollSsoLogin: MethodDefinition<_wicket_v1_PollSsoLoginRequest, _wicket_v1_PollSsoLoginResponse, _wicket_v1_PollSsoLoginRequest__Output, _wicket_v1_PollSsoLoginResponse__Output>
  StartSsoLogin: MethodDefinition<_wicket_v1_StartSsoLoginRequest, _wicket_v1_StartSsoLoginResponse, _wicket_v1_StartSsoLoginRequest__Output, _wicket_v1_StartSsoLoginResponse__Output>
}
