// Original file: proto/wicket.proto


export interface LinkUserResponse {
}

export interface LinkUserResponse__Output {
}
