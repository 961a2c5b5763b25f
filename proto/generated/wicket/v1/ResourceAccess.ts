// Original file: proto/wicket.proto

import type { Denial as _wicket_v1_Denial, Denial__Output as _wicket_v1_Denial__Output } from '../../wicket/v1/Denial.js';

export interface ResourceAccess {
  'resource'?: (string);
  'gateway'?: (string);
  'address'?: (string);
  /**
   * The resource's ports as written in the policy ("tcp/443", "icmp").
   */
  'ports'?: (string)[];
  'allowed'?: (boolean);
  /**
   * The granting grant(s) when allowed; the reason when not.
   */
  'grants'?: (string)[];
  'denial'?: (_wicket_v1_Denial | null);
  /**
   * Gateways that also serve the resource (`gateway: [a, b]`), in order after `gateway`.
   */
  'standbyGateways'?: (string)[];
}

export interface ResourceAccess__Output {
  'resource': (string);
  'gateway': (string);
  'address': (string);
  /**
   * The resource's ports as written in the policy ("tcp/443", "icmp").
   */
  'ports': (string)[];
  'allowed': (boolean);
  /**
   * The granting grant(s) when allowed; the reason when not.
   */
  'grants': (string)[];
  'denial': (_wicket_v1_Denial__Output | null);
  /**
   * Gateways that also serve the resource (`gateway: [a, b]`), in order after `gateway`.
   */
  'standbyGateways': (string)[];
}
