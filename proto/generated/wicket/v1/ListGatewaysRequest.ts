// Original file: proto/wicket.proto


export interface ListGatewaysRequest {
}

export interface ListGatewaysRequest__Output {
}
