// Original file: proto/wicket.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EnrollGatewayRequest as _wicket_v1_EnrollGatewayRequest, EnrollGatewayRequest__Output as _wicket_v1_EnrollGatewayRequest__Output } from '../../wicket/v1/EnrollGatewayRequest.js';
import type { EnrollGatewayResponse as _wicket_v1_EnrollGatewayResponse, EnrollGatewayResponse__Output as _wicket_v1_EnrollGatewayResponse__Output } from '../../wicket/v1/EnrollGatewayResponse.js';
import type { LoginRequest as _wicket_v1_LoginRequest, LoginRequest__Output as _wicket_v1_LoginRequest__Output } from '../../wicket/v1/LoginRequest.js';
import type { LoginResponse as _wicket_v1_LoginResponse, LoginResponse__Output as _wicket_v1_LoginResponse__Output } from '../../wicket/v1/LoginResponse.js';

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
  
}

export interface AuthDefinition extends grpc.ServiceDefinition {
  EnrollGateway: MethodDefinition<_wicket_v1_EnrollGatewayRequest, _wicket_v1_EnrollGatewayResponse, _wicket_v1_EnrollGatewayRequest__Output, _wicket_v1_EnrollGatewayResponse__Output>
  Login: MethodDefinition<_wicket_v1_LoginRequest, _wicket_v1_LoginResponse, _wicket_v1_LoginRequest__Output, _wicket_v1_LoginResponse__Output>
}
