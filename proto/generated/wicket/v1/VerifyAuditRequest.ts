// Original file: proto/wicket.proto


export interface VerifyAuditRequest {
}

export interface VerifyAuditRequest__Output {
}
