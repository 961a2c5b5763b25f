// Original file: proto/wicket.proto


export interface ListControllersRequest {
}

export interface ListControllersRequest__Output {
}
