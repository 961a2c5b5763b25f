// Original file: proto/wicket.proto


export interface DisconnectResponse {
}

export interface DisconnectResponse__Output {
}
