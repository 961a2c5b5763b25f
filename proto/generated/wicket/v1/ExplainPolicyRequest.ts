// Original file: proto/wicket.proto

import type { Posture as _wicket_v1_Posture, Posture__Output as _wicket_v1_Posture__Output } from '../../wicket/v1/Posture.js';
import type { Long } from '@grpc/proto-loader';

export interface ExplainPolicyRequest {
  'user'?: (string);
  /**
   * A resource name.
   */
  'resource'?: (string);
  /**
   * Optional "tcp"/"udp"/"icmp" and port; empty/0 = any of the resource's ports.
   */
  'protocol'?: (string);
  'port'?: (number);
  /**
   * Evaluate as if the device reported this posture (default: the user's newest session's).
   */
  'posture'?: (_wicket_v1_Posture | null);
  /**
   * Evaluate at this time (0 = now).
   */
  'atMs'?: (number | string | Long);
  /**
   * Evaluate as if the login used MFA (default true: password logins always do).
   */
  'mfa'?: (boolean);
  /**
   * For an HTTP resource: the request to decide ("GET" and "/docs/a"); empty = any request.
   */
  'httpMethod'?: (string);
  'httpPath'?: (string);
  '_mfa'?: "mfa";
}

export interface ExplainPolicyRequest__Output {
  'user': (string);
  /**
   * A resource name.
   */
  'resource': (string);
  /**
   * Optional "tcp"/"udp"/"icmp" and port; empty/0 = any of the resource's ports.
   */
  'protocol': (string);
  'port': (number);
  /**
   * Evaluate as if the device reported this posture (default: the user's newest session's).
   */
  'posture': (_wicket_v1_Posture__Output | null);
  /**
   * Evaluate at this time (0 = now).
   */
  'atMs': (number);
  /**
   * Evaluate as if the login used MFA (default true: password logins always do).
   */
  'mfa'?: (boolean);
  /**
   * For an HTTP resource: the request to decide ("GET" and "/docs/a"); empty = any request.
   */
  'httpMethod': (string);
  'httpPath': (string);
  '_mfa'?: "mfa";
}
