// Original file: proto/wicket.proto

import type { User as _wicket_v1_User, User__Output as _wicket_v1_User__Output } from '../../wicket/v1/User.js';

export interface ListUsersResponse {
  'users'?: (_wicket_v1_User)[];
}

export interface ListUsersResponse__Output {
  'users': (_wicket_v1_User__Output)[];
}
