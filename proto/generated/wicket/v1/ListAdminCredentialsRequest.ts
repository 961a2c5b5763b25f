// Original file: proto/wicket.proto


export interface ListAdminCredentialsRequest {
}

export interface ListAdminCredentialsRequest__Output {
}
