// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

export interface LoginResponse {
  /**
   * The signed device certificate (PEM). Its URI SAN names user and device.
   */
  'certificatePem'?: (string);
  /**
   * The CA certificate (PEM) that signs the controller's API certificate.
   */
  'caPem'?: (string);
  /**
   * Where to reach the API port, "HOST:PORT", as configured on the controller (may be
   * empty: then the client uses the auth host with the API port it is told separately).
   */
  'apiEndpoint'?: (string);
  /**
   * When the certificate expires; the user must log in again after it.
   */
  'expiresAtMs'?: (number | string | Long);
  /**
   * The user name and device id the certificate was issued for.
   */
  'username'?: (string);
  'deviceId'?: (string);
  /**
   * True when the certificate is an admin certificate (the user has the admin role).
   */
  'admin'?: (boolean);
}

export interface LoginResponse__Output {
  /**
   * The signed device certificate (PEM). Its URI SAN names user and device.
   */
  'certificatePem': (string);
  /**
   * The CA certificate (PEM) that signs the controller's API certificate.
   */
  'caPem': (string);
  /**
   * Where to reach the API port, "HOST:PORT", as configured on the controller (may be
   * empty: then the client uses the auth host with the API port it is told separately).
   */
  'apiEndpoint': (string);
  /**
   * When the certificate expires; the user must log in again after it.
   */
  'expiresAtMs': (number);
  /**
   * The user name and device id the certificate was issued for.
   */
  'username': (string);
  'deviceId': (string);
  /**
   * True when the certificate is an admin certificate (the user has the admin role).
   */
  'admin': (boolean);
}
