// Original file: proto/wicket.proto

import type { Device as _wicket_v1_Device, Device__Output as _wicket_v1_Device__Output } from '../../wicket/v1/Device.js';

export interface ListDevicesResponse {
  'devices'?: (_wicket_v1_Device)[];
}

export interface ListDevicesResponse__Output {
  'devices': (_wicket_v1_Device__Output)[];
}
