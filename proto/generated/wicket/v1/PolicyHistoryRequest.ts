// Original file: proto/wicket.proto


export interface PolicyHistoryRequest {
}

export interface PolicyHistoryRequest__Output {
}
