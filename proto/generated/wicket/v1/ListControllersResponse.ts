// Original file: proto/wicket.proto

import type { ControllerInfo as _wicket_v1_ControllerInfo, ControllerInfo__Output as _wicket_v1_ControllerInfo__Output } from '../../wicket/v1/ControllerInfo.js';

export interface ListControllersResponse {
  'controllers'?: (_wicket_v1_ControllerInfo)[];
}

export interface ListControllersResponse__Output {
  'controllers': (_wicket_v1_ControllerInfo__Output)[];
}
