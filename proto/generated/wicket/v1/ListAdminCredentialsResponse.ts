// Original file: proto/wicket.proto

import type { AdminCredential as _wicket_v1_AdminCredential, AdminCredential__Output as _wicket_v1_AdminCredential__Output } from '../../wicket/v1/AdminCredential.js';

export interface ListAdminCredentialsResponse {
  'credentials'?: (_wicket_v1_AdminCredential)[];
}

export interface ListAdminCredentialsResponse__Output {
  'credentials': (_wicket_v1_AdminCredential__Output)[];
}
