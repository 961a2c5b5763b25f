// Original file: proto/wicket.proto


export interface ListMyAccessRequestsRequest {
}

export interface ListMyAccessRequestsRequest__Output {
}
