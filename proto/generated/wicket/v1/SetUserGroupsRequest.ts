// Original file: proto/wicket.proto


export interface SetUserGroupsRequest {
  'name'?: (string);
  'groups'?: (string)[];
}

export interface SetUserGroupsRequest__Output {
  'name': (string);
  'groups': (string)[];
}
