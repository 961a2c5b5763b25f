// Original file: proto/wicket.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One request through the gateway's identity-aware proxy, allowed or not.
 */
export interface HttpRequestRecord {
  /**
   * Empty for a browser without the tunnel that has not signed in.
   */
  'sessionId'?: (string);
  'resource'?: (string);
  'method'?: (string);
  'hostname'?: (string);
  /**
   * Without the query string.
   */
  'path'?: (string);
  'status'?: (number);
  /**
   * Request and response body bytes.
   */
  'bytesIn'?: (number | string | Long);
  'bytesOut'?: (number | string | Long);
  'startedAtMs'?: (number | string | Long);
  'durationUs'?: (number | string | Long);
  'username'?: (string);
  'deviceId'?: (string);
  /**
   * Why the proxy refused it (status 403); empty when allowed.
   */
  'deniedReason'?: (string);
  /**
   * Through the tunnel (false: a browser on the public listener).
   */
  'tunnel'?: (boolean);
}

/**
 * One request through the gateway's identity-aware proxy, allowed or not.
 */
export interface HttpRequestRecord__Output {
  /**
   * Empty for a browser without the tunnel that has not signed in.
   */
  'sessionId': (string);
  'resource': (string);
  'method': (string);
  'hostname': (string);
  /**
   * Without the query string.
   */
  'path': (string);
  'status': (number);
  /**
   * Request and response body bytes.
   */
  'bytesIn': (number);
  'bytesOut': (number);
  'startedAtMs': (number);
  'durationUs': (number);
  'username': (string);
  'deviceId': (string);
  /**
   * Why the proxy refused it (status 403); empty when allowed.
   */
  'deniedReason': (string);
  /**
   * Through the tunnel (false: a browser on the public listener).
   */
  'tunnel': (boolean);
}
