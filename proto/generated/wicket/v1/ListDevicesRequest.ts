// Original file: proto/wicket.proto


export interface ListDevicesRequest {
}

export interface ListDevicesRequest__Output {
}
