// Original file: proto/wicket.proto


export interface ListUsersRequest {
}

export interface ListUsersRequest__Output {
}
