import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AccessChange as _wicket_v1_AccessChange, AccessChange__Output as _wicket_v1_AccessChange__Output } from './wicket/v1/AccessChange.js';
import type { AccessRequest as _wicket_v1_AccessRequest, AccessRequest__Output as _wicket_v1_AccessRequest__Output } from './wicket/v1/AccessRequest.js';
import type { AddUserRequest as _wicket_v1_AddUserRequest, AddUserRequest__Output as _wicket_v1_AddUserRequest__Output } from './wicket/v1/AddUserRequest.js';
import type { AddUserResponse as _wicket_v1_AddUserResponse, AddUserResponse__Output as _wicket_v1_AddUserResponse__Output } from './wicket/v1/AddUserResponse.js';
import type { AdminClient as _wicket_v1_AdminClient, AdminDefinition as _wicket_v1_AdminDefinition } from './wicket/v1/Admin.js';
import type { AdminCredential as _wicket_v1_AdminCredential, AdminCredential__Output as _wicket_v1_AdminCredential__Output } from './wicket/v1/AdminCredential.js';
import type { ApplyPolicyResponse as _wicket_v1_ApplyPolicyResponse, ApplyPolicyResponse__Output as _wicket_v1_ApplyPolicyResponse__Output } from './wicket/v1/ApplyPolicyResponse.js';
import type { ApproveAccessRequest as _wicket_v1_ApproveAccessRequest, ApproveAccessRequest__Output as _wicket_v1_ApproveAccessRequest__Output } from './wicket/v1/ApproveAccessRequest.js';
import type { AuditRecord as _wicket_v1_AuditRecord, AuditRecord__Output as _wicket_v1_AuditRecord__Output } from './wicket/v1/AuditRecord.js';
import type { AuthClient as _wicket_v1_AuthClient, AuthDefinition as _wicket_v1_AuthDefinition } from './wicket/v1/Auth.js';
import type { BlockDeviceRequest as _wicket_v1_BlockDeviceRequest, BlockDeviceRequest__Output as _wicket_v1_BlockDeviceRequest__Output } from './wicket/v1/BlockDeviceRequest.js';
import type { ClientClient as _wicket_v1_ClientClient, ClientDefinition as _wicket_v1_ClientDefinition } from './wicket/v1/Client.js';
import type { ClientGatewayPeer as _wicket_v1_ClientGatewayPeer, ClientGatewayPeer__Output as _wicket_v1_ClientGatewayPeer__Output } from './wicket/v1/ClientGatewayPeer.js';
import type { ConnectRequest as _wicket_v1_ConnectRequest, ConnectRequest__Output as _wicket_v1_ConnectRequest__Output } from './wicket/v1/ConnectRequest.js';
import type { ConnectResponse as _wicket_v1_ConnectResponse, ConnectResponse__Output as _wicket_v1_ConnectResponse__Output } from './wicket/v1/ConnectResponse.js';
import type { ControllerInfo as _wicket_v1_ControllerInfo, ControllerInfo__Output as _wicket_v1_ControllerInfo__Output } from './wicket/v1/ControllerInfo.js';
import type { CreateJoinTokenRequest as _wicket_v1_CreateJoinTokenRequest, CreateJoinTokenRequest__Output as _wicket_v1_CreateJoinTokenRequest__Output } from './wicket/v1/CreateJoinTokenRequest.js';
import type { CreateJoinTokenResponse as _wicket_v1_CreateJoinTokenResponse, CreateJoinTokenResponse__Output as _wicket_v1_CreateJoinTokenResponse__Output } from './wicket/v1/CreateJoinTokenResponse.js';
import type { Denial as _wicket_v1_Denial, Denial__Output as _wicket_v1_Denial__Output } from './wicket/v1/Denial.js';
import type { DeniedAttempt as _wicket_v1_DeniedAttempt, DeniedAttempt__Output as _wicket_v1_DeniedAttempt__Output } from './wicket/v1/DeniedAttempt.js';
import type { DeniedView as _wicket_v1_DeniedView, DeniedView__Output as _wicket_v1_DeniedView__Output } from './wicket/v1/DeniedView.js';
import type { DenyAccessRequest as _wicket_v1_DenyAccessRequest, DenyAccessRequest__Output as _wicket_v1_DenyAccessRequest__Output } from './wicket/v1/DenyAccessRequest.js';
import type { Device as _wicket_v1_Device, Device__Output as _wicket_v1_Device__Output } from './wicket/v1/Device.js';
import type { DisconnectRequest as _wicket_v1_DisconnectRequest, DisconnectRequest__Output as _wicket_v1_DisconnectRequest__Output } from './wicket/v1/DisconnectRequest.js';
import type { DisconnectResponse as _wicket_v1_DisconnectResponse, DisconnectResponse__Output as _wicket_v1_DisconnectResponse__Output } from './wicket/v1/DisconnectResponse.js';
import type { EnrollGatewayRequest as _wicket_v1_EnrollGatewayRequest, EnrollGatewayRequest__Output as _wicket_v1_EnrollGatewayRequest__Output } from './wicket/v1/EnrollGatewayRequest.js';
import type { EnrollGatewayResponse as _wicket_v1_EnrollGatewayResponse, EnrollGatewayResponse__Output as _wicket_v1_EnrollGatewayResponse__Output } from './wicket/v1/EnrollGatewayResponse.js';
import type { Entitlement as _wicket_v1_Entitlement, Entitlement__Output as _wicket_v1_Entitlement__Output } from './wicket/v1/Entitlement.js';
import type { ExplainPolicyRequest as _wicket_v1_ExplainPolicyRequest, ExplainPolicyRequest__Output as _wicket_v1_ExplainPolicyRequest__Output } from './wicket/v1/ExplainPolicyRequest.js';
import type { ExplainPolicyResponse as _wicket_v1_ExplainPolicyResponse, ExplainPolicyResponse__Output as _wicket_v1_ExplainPolicyResponse__Output } from './wicket/v1/ExplainPolicyResponse.js';
import type { FlowBucket as _wicket_v1_FlowBucket, FlowBucket__Output as _wicket_v1_FlowBucket__Output } from './wicket/v1/FlowBucket.js';
import type { FlowRecord as _wicket_v1_FlowRecord, FlowRecord__Output as _wicket_v1_FlowRecord__Output } from './wicket/v1/FlowRecord.js';
import type { FlowView as _wicket_v1_FlowView, FlowView__Output as _wicket_v1_FlowView__Output } from './wicket/v1/FlowView.js';
import type { GatewayClient as _wicket_v1_GatewayClient, GatewayDefinition as _wicket_v1_GatewayDefinition } from './wicket/v1/Gateway.js';
import type { GatewayAck as _wicket_v1_GatewayAck, GatewayAck__Output as _wicket_v1_GatewayAck__Output } from './wicket/v1/GatewayAck.js';
import type { GatewayConfig as _wicket_v1_GatewayConfig, GatewayConfig__Output as _wicket_v1_GatewayConfig__Output } from './wicket/v1/GatewayConfig.js';
import type { GatewayHello as _wicket_v1_GatewayHello, GatewayHello__Output as _wicket_v1_GatewayHello__Output } from './wicket/v1/GatewayHello.js';
import type { GatewayRule as _wicket_v1_GatewayRule, GatewayRule__Output as _wicket_v1_GatewayRule__Output } from './wicket/v1/GatewayRule.js';
import type { GatewaySession as _wicket_v1_GatewaySession, GatewaySession__Output as _wicket_v1_GatewaySession__Output } from './wicket/v1/GatewaySession.js';
import type { GatewayStatus as _wicket_v1_GatewayStatus, GatewayStatus__Output as _wicket_v1_GatewayStatus__Output } from './wicket/v1/GatewayStatus.js';
import type { GrantDecision as _wicket_v1_GrantDecision, GrantDecision__Output as _wicket_v1_GrantDecision__Output } from './wicket/v1/GrantDecision.js';
import type { HeartbeatRequest as _wicket_v1_HeartbeatRequest, HeartbeatRequest__Output as _wicket_v1_HeartbeatRequest__Output } from './wicket/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _wicket_v1_HeartbeatResponse, HeartbeatResponse__Output as _wicket_v1_HeartbeatResponse__Output } from './wicket/v1/HeartbeatResponse.js';
import type { HttpAccess as _wicket_v1_HttpAccess, HttpAccess__Output as _wicket_v1_HttpAccess__Output } from './wicket/v1/HttpAccess.js';
import type { HttpGrant as _wicket_v1_HttpGrant, HttpGrant__Output as _wicket_v1_HttpGrant__Output } from './wicket/v1/HttpGrant.js';
import type { HttpRequestRecord as _wicket_v1_HttpRequestRecord, HttpRequestRecord__Output as _wicket_v1_HttpRequestRecord__Output } from './wicket/v1/HttpRequestRecord.js';
import type { HttpRequestView as _wicket_v1_HttpRequestView, HttpRequestView__Output as _wicket_v1_HttpRequestView__Output } from './wicket/v1/HttpRequestView.js';
import type { HttpResource as _wicket_v1_HttpResource, HttpResource__Output as _wicket_v1_HttpResource__Output } from './wicket/v1/HttpResource.js';
import type { LinkUserRequest as _wicket_v1_LinkUserRequest, LinkUserRequest__Output as _wicket_v1_LinkUserRequest__Output } from './wicket/v1/LinkUserRequest.js';
import type { LinkUserResponse as _wicket_v1_LinkUserResponse, LinkUserResponse__Output as _wicket_v1_LinkUserResponse__Output } from './wicket/v1/LinkUserResponse.js';
import type { ListAccessRequestsRequest as _wicket_v1_ListAccessRequestsRequest, ListAccessRequestsRequest__Output as _wicket_v1_ListAccessRequestsRequest__Output } from './wicket/v1/ListAccessRequestsRequest.js';
import type { ListAccessRequestsResponse as _wicket_v1_ListAccessRequestsResponse, ListAccessRequestsResponse__Output as _wicket_v1_ListAccessRequestsResponse__Output } from './wicket/v1/ListAccessRequestsResponse.js';
import type { ListAdminCredentialsRequest as _wicket_v1_ListAdminCredentialsRequest, ListAdminCredentialsRequest__Output as _wicket_v1_ListAdminCredentialsRequest__Output } from './wicket/v1/ListAdminCredentialsRequest.js';
import type { ListAdminCredentialsResponse as _wicket_v1_ListAdminCredentialsResponse, ListAdminCredentialsResponse__Output as _wicket_v1_ListAdminCredentialsResponse__Output } from './wicket/v1/ListAdminCredentialsResponse.js';
import type { ListAuditRequest as _wicket_v1_ListAuditRequest, ListAuditRequest__Output as _wicket_v1_ListAuditRequest__Output } from './wicket/v1/ListAuditRequest.js';
import type { ListAuditResponse as _wicket_v1_ListAuditResponse, ListAuditResponse__Output as _wicket_v1_ListAuditResponse__Output } from './wicket/v1/ListAuditResponse.js';
import type { ListControllersRequest as _wicket_v1_ListControllersRequest, ListControllersRequest__Output as _wicket_v1_ListControllersRequest__Output } from './wicket/v1/ListControllersRequest.js';
import type { ListControllersResponse as _wicket_v1_ListControllersResponse, ListControllersResponse__Output as _wicket_v1_ListControllersResponse__Output } from './wicket/v1/ListControllersResponse.js';
import type { ListDevicesRequest as _wicket_v1_ListDevicesRequest, ListDevicesRequest__Output as _wicket_v1_ListDevicesRequest__Output } from './wicket/v1/ListDevicesRequest.js';
import type { ListDevicesResponse as _wicket_v1_ListDevicesResponse, ListDevicesResponse__Output as _wicket_v1_ListDevicesResponse__Output } from './wicket/v1/ListDevicesResponse.js';
import type { ListFlowsRequest as _wicket_v1_ListFlowsRequest, ListFlowsRequest__Output as _wicket_v1_ListFlowsRequest__Output } from './wicket/v1/ListFlowsRequest.js';
import type { ListFlowsResponse as _wicket_v1_ListFlowsResponse, ListFlowsResponse__Output as _wicket_v1_ListFlowsResponse__Output } from './wicket/v1/ListFlowsResponse.js';
import type { ListGatewaysRequest as _wicket_v1_ListGatewaysRequest, ListGatewaysRequest__Output as _wicket_v1_ListGatewaysRequest__Output } from './wicket/v1/ListGatewaysRequest.js';
import type { ListGatewaysResponse as _wicket_v1_ListGatewaysResponse, ListGatewaysResponse__Output as _wicket_v1_ListGatewaysResponse__Output } from './wicket/v1/ListGatewaysResponse.js';
import type { ListMyAccessRequestsRequest as _wicket_v1_ListMyAccessRequestsRequest, ListMyAccessRequestsRequest__Output as _wicket_v1_ListMyAccessRequestsRequest__Output } from './wicket/v1/ListMyAccessRequestsRequest.js';
import type { ListResourcesRequest as _wicket_v1_ListResourcesRequest, ListResourcesRequest__Output as _wicket_v1_ListResourcesRequest__Output } from './wicket/v1/ListResourcesRequest.js';
import type { ListResourcesResponse as _wicket_v1_ListResourcesResponse, ListResourcesResponse__Output as _wicket_v1_ListResourcesResponse__Output } from './wicket/v1/ListResourcesResponse.js';
import type { ListSessionsRequest as _wicket_v1_ListSessionsRequest, ListSessionsRequest__Output as _wicket_v1_ListSessionsRequest__Output } from './wicket/v1/ListSessionsRequest.js';
import type { ListSessionsResponse as _wicket_v1_ListSessionsResponse, ListSessionsResponse__Output as _wicket_v1_ListSessionsResponse__Output } from './wicket/v1/ListSessionsResponse.js';
import type { ListUsersRequest as _wicket_v1_ListUsersRequest, ListUsersRequest__Output as _wicket_v1_ListUsersRequest__Output } from './wicket/v1/ListUsersRequest.js';
import type { ListUsersResponse as _wicket_v1_ListUsersResponse, ListUsersResponse__Output as _wicket_v1_ListUsersResponse__Output } from './wicket/v1/ListUsersResponse.js';
import type { LoginRequest as _wicket_v1_LoginRequest, LoginRequest__Output as _wicket_v1_LoginRequest__Output } from './wicket/v1/LoginRequest.js';
import type { LoginResponse as _wicket_v1_LoginResponse, LoginResponse__Output as _wicket_v1_LoginResponse__Output } from './wicket/v1/LoginResponse.js';
import type { PeerStat as _wicket_v1_PeerStat, PeerStat__Output as _wicket_v1_PeerStat__Output } from './wicket/v1/PeerStat.js';
import type { PolicyDiffResponse as _wicket_v1_PolicyDiffResponse, PolicyDiffResponse__Output as _wicket_v1_PolicyDiffResponse__Output } from './wicket/v1/PolicyDiffResponse.js';
import type { PolicyError as _wicket_v1_PolicyError, PolicyError__Output as _wicket_v1_PolicyError__Output } from './wicket/v1/PolicyError.js';
import type { PolicyHistoryRequest as _wicket_v1_PolicyHistoryRequest, PolicyHistoryRequest__Output as _wicket_v1_PolicyHistoryRequest__Output } from './wicket/v1/PolicyHistoryRequest.js';
import type { PolicyHistoryResponse as _wicket_v1_PolicyHistoryResponse, PolicyHistoryResponse__Output as _wicket_v1_PolicyHistoryResponse__Output } from './wicket/v1/PolicyHistoryResponse.js';
import type { PolicyRequest as _wicket_v1_PolicyRequest, PolicyRequest__Output as _wicket_v1_PolicyRequest__Output } from './wicket/v1/PolicyRequest.js';
import type { PolicyTestResponse as _wicket_v1_PolicyTestResponse, PolicyTestResponse__Output as _wicket_v1_PolicyTestResponse__Output } from './wicket/v1/PolicyTestResponse.js';
import type { PolicyTestResult as _wicket_v1_PolicyTestResult, PolicyTestResult__Output as _wicket_v1_PolicyTestResult__Output } from './wicket/v1/PolicyTestResult.js';
import type { PolicyVersion as _wicket_v1_PolicyVersion, PolicyVersion__Output as _wicket_v1_PolicyVersion__Output } from './wicket/v1/PolicyVersion.js';
import type { PollSsoLoginRequest as _wicket_v1_PollSsoLoginRequest, PollSsoLoginRequest__Output as _wicket_v1_PollSsoLoginRequest__Output } from './wicket/v1/PollSsoLoginRequest.js';
import type { PollSsoLoginResponse as _wicket_v1_PollSsoLoginResponse, PollSsoLoginResponse__Output as _wicket_v1_PollSsoLoginResponse__Output } from './wicket/v1/PollSsoLoginResponse.js';
import type { Posture as _wicket_v1_Posture, Posture__Output as _wicket_v1_Posture__Output } from './wicket/v1/Posture.js';
import type { ReportAck as _wicket_v1_ReportAck, ReportAck__Output as _wicket_v1_ReportAck__Output } from './wicket/v1/ReportAck.js';
import type { RequestAccessRequest as _wicket_v1_RequestAccessRequest, RequestAccessRequest__Output as _wicket_v1_RequestAccessRequest__Output } from './wicket/v1/RequestAccessRequest.js';
import type { ResourceAccess as _wicket_v1_ResourceAccess, ResourceAccess__Output as _wicket_v1_ResourceAccess__Output } from './wicket/v1/ResourceAccess.js';
import type { RevokeAccessRequest as _wicket_v1_RevokeAccessRequest, RevokeAccessRequest__Output as _wicket_v1_RevokeAccessRequest__Output } from './wicket/v1/RevokeAccessRequest.js';
import type { RevokeAdminCredentialRequest as _wicket_v1_RevokeAdminCredentialRequest, RevokeAdminCredentialRequest__Output as _wicket_v1_RevokeAdminCredentialRequest__Output } from './wicket/v1/RevokeAdminCredentialRequest.js';
import type { RevokeSessionRequest as _wicket_v1_RevokeSessionRequest, RevokeSessionRequest__Output as _wicket_v1_RevokeSessionRequest__Output } from './wicket/v1/RevokeSessionRequest.js';
import type { RevokeUserRequest as _wicket_v1_RevokeUserRequest, RevokeUserRequest__Output as _wicket_v1_RevokeUserRequest__Output } from './wicket/v1/RevokeUserRequest.js';
import type { RevokeUserResponse as _wicket_v1_RevokeUserResponse, RevokeUserResponse__Output as _wicket_v1_RevokeUserResponse__Output } from './wicket/v1/RevokeUserResponse.js';
import type { RuleCounter as _wicket_v1_RuleCounter, RuleCounter__Output as _wicket_v1_RuleCounter__Output } from './wicket/v1/RuleCounter.js';
import type { Session as _wicket_v1_Session, Session__Output as _wicket_v1_Session__Output } from './wicket/v1/Session.js';
import type { SessionEvent as _wicket_v1_SessionEvent, SessionEvent__Output as _wicket_v1_SessionEvent__Output } from './wicket/v1/SessionEvent.js';
import type { SetUserDisabledRequest as _wicket_v1_SetUserDisabledRequest, SetUserDisabledRequest__Output as _wicket_v1_SetUserDisabledRequest__Output } from './wicket/v1/SetUserDisabledRequest.js';
import type { SetUserGroupsRequest as _wicket_v1_SetUserGroupsRequest, SetUserGroupsRequest__Output as _wicket_v1_SetUserGroupsRequest__Output } from './wicket/v1/SetUserGroupsRequest.js';
import type { ShowPolicyRequest as _wicket_v1_ShowPolicyRequest, ShowPolicyRequest__Output as _wicket_v1_ShowPolicyRequest__Output } from './wicket/v1/ShowPolicyRequest.js';
import type { SigningKey as _wicket_v1_SigningKey, SigningKey__Output as _wicket_v1_SigningKey__Output } from './wicket/v1/SigningKey.js';
import type { StartSsoLoginRequest as _wicket_v1_StartSsoLoginRequest, StartSsoLoginRequest__Output as _wicket_v1_StartSsoLoginRequest__Output } from './wicket/v1/StartSsoLoginRequest.js';
import type { StartSsoLoginResponse as _wicket_v1_StartSsoLoginResponse, StartSsoLoginResponse__Output as _wicket_v1_StartSsoLoginResponse__Output } from './wicket/v1/StartSsoLoginResponse.js';
import type { SyncAck as _wicket_v1_SyncAck, SyncAck__Output as _wicket_v1_SyncAck__Output } from './wicket/v1/SyncAck.js';
import type { SyncDelta as _wicket_v1_SyncDelta, SyncDelta__Output as _wicket_v1_SyncDelta__Output } from './wicket/v1/SyncDelta.js';
import type { SyncDown as _wicket_v1_SyncDown, SyncDown__Output as _wicket_v1_SyncDown__Output } from './wicket/v1/SyncDown.js';
import type { SyncSnapshot as _wicket_v1_SyncSnapshot, SyncSnapshot__Output as _wicket_v1_SyncSnapshot__Output } from './wicket/v1/SyncSnapshot.js';
import type { SyncUp as _wicket_v1_SyncUp, SyncUp__Output as _wicket_v1_SyncUp__Output } from './wicket/v1/SyncUp.js';
import type { TelemetryBatch as _wicket_v1_TelemetryBatch, TelemetryBatch__Output as _wicket_v1_TelemetryBatch__Output } from './wicket/v1/TelemetryBatch.js';
import type { User as _wicket_v1_User, User__Output as _wicket_v1_User__Output } from './wicket/v1/User.js';
import type { VerifyAuditRequest as _wicket_v1_VerifyAuditRequest, VerifyAuditRequest__Output as _wicket_v1_VerifyAuditRequest__Output } from './wicket/v1/VerifyAuditRequest.js';
import type { VerifyAuditResponse as _wicket_v1_VerifyAuditResponse, VerifyAuditResponse__Output as _wicket_v1_VerifyAuditResponse__Output } from './wicket/v1/VerifyAuditResponse.js';
import type { WatchRequest as _wicket_v1_WatchRequest, WatchRequest__Output as _wicket_v1_WatchRequest__Output } from './wicket/v1/WatchRequest.js';
import type { WatchSessionRequest as _wicket_v1_WatchSessionRequest, WatchSessionRequest__Output as _wicket_v1_WatchSessionRequest__Output } from './wicket/v1/WatchSessionRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  wicket: {
    v1: {
      AccessChange: MessageTypeDefinition<_wicket_v1_AccessChange, _wicket_v1_AccessChange__Output>
      AccessRequest: MessageTypeDefinition<_wicket_v1_AccessRequest, _wicket_v1_AccessRequest__Output>
      AddUserRequest: MessageTypeDefinition<_wicket_v1_AddUserRequest, _wicket_v1_AddUserRequest__Output>
      AddUserResponse: MessageTypeDefinition<_wicket_v1_AddUserResponse, _wicket_v1_AddUserResponse__Output>
      /**
       * ---------------------------------------------------------------------------------------
       * Admin: an admin certificate on the API port. Every mutating call is audited with the
       * admin's identity from the certificate.
       * ---------------------------------------------------------------------------------------
       */
      Admin: SubtypeConstructor<typeof grpc.Client, _wicket_v1_AdminClient> & { service: _wicket_v1_AdminDefinition }
      AdminCredential: MessageTypeDefinition<_wicket_v1_AdminCredential, _wicket_v1_AdminCredential__Output>
      ApplyPolicyResponse: MessageTypeDefinition<_wicket_v1_ApplyPolicyResponse, _wicket_v1_ApplyPolicyResponse__Output>
      ApproveAccessRequest: MessageTypeDefinition<_wicket_v1_ApproveAccessRequest, _wicket_v1_ApproveAccessRequest__Output>
      AuditRecord: MessageTypeDefinition<_wicket_v1_AuditRecord, _wicket_v1_AuditRecord__Output>
      /**
       * ---------------------------------------------------------------------------------------
       * Auth: unauthenticated callers on the auth port.
       * ---------------------------------------------------------------------------------------
       */
      Auth: SubtypeConstructor<typeof grpc.Client, _wicket_v1_AuthClient> & { service: _wicket_v1_AuthDefinition }
      BlockDeviceRequest: MessageTypeDefinition<_wicket_v1_BlockDeviceRequest, _wicket_v1_BlockDeviceRequest__Output>
      /**
       * ---------------------------------------------------------------------------------------
       * Client: a user-device certificate on the API port.
       * ---------------------------------------------------------------------------------------
       */
      Client: SubtypeConstructor<typeof grpc.Client, _wicket_v1_ClientClient> & { service: _wicket_v1_ClientDefinition }
      ClientGatewayPeer: MessageTypeDefinition<_wicket_v1_ClientGatewayPeer, _wicket_v1_ClientGatewayPeer__Output>
      ConnectRequest: MessageTypeDefinition<_wicket_v1_ConnectRequest, _wicket_v1_ConnectRequest__Output>
      ConnectResponse: MessageTypeDefinition<_wicket_v1_ConnectResponse, _wicket_v1_ConnectResponse__Output>
      ControllerInfo: MessageTypeDefinition<_wicket_v1_ControllerInfo, _wicket_v1_ControllerInfo__Output>
      CreateJoinTokenRequest: MessageTypeDefinition<_wicket_v1_CreateJoinTokenRequest, _wicket_v1_CreateJoinTokenRequest__Output>
      CreateJoinTokenResponse: MessageTypeDefinition<_wicket_v1_CreateJoinTokenResponse, _wicket_v1_CreateJoinTokenResponse__Output>
      Denial: MessageTypeDefinition<_wicket_v1_Denial, _wicket_v1_Denial__Output>
      DeniedAttempt: MessageTypeDefinition<_wicket_v1_DeniedAttempt, _wicket_v1_DeniedAttempt__Output>
      DeniedView: MessageTypeDefinition<_wicket_v1_DeniedView, _wicket_v1_DeniedView__Output>
      DenyAccessRequest: MessageTypeDefinition<_wicket_v1_DenyAccessRequest, _wicket_v1_DenyAccessRequest__Output>
      Device: MessageTypeDefinition<_wicket_v1_Device, _wicket_v1_Device__Output>
      DisconnectRequest: MessageTypeDefinition<_wicket_v1_DisconnectRequest, _wicket_v1_DisconnectRequest__Output>
      DisconnectResponse: MessageTypeDefinition<_wicket_v1_DisconnectResponse, _wicket_v1_DisconnectResponse__Output>
      EnrollGatewayRequest: MessageTypeDefinition<_wicket_v1_EnrollGatewayRequest, _wicket_v1_EnrollGatewayRequest__Output>
      EnrollGatewayResponse: MessageTypeDefinition<_wicket_v1_EnrollGatewayResponse, _wicket_v1_EnrollGatewayResponse__Output>
      Entitlement: MessageTypeDefinition<_wicket_v1_Entitlement, _wicket_v1_Entitlement__Output>
      ExplainPolicyRequest: MessageTypeDefinition<_wicket_v1_ExplainPolicyRequest, _wicket_v1_ExplainPolicyRequest__Output>
      ExplainPolicyResponse: MessageTypeDefinition<_wicket_v1_ExplainPolicyResponse, _wicket_v1_ExplainPolicyResponse__Output>
      FlowBucket: MessageTypeDefinition<_wicket_v1_FlowBucket, _wicket_v1_FlowBucket__Output>
      FlowRecord: MessageTypeDefinition<_wicket_v1_FlowRecord, _wicket_v1_FlowRecord__Output>
      FlowView: MessageTypeDefinition<_wicket_v1_FlowView, _wicket_v1_FlowView__Output>
      /**
       * ---------------------------------------------------------------------------------------
       * Gateway: a gateway certificate on the API port.
       * ---------------------------------------------------------------------------------------
       */
      Gateway: SubtypeConstructor<typeof grpc.Client, _wicket_v1_GatewayClient> & { service: _wicket_v1_GatewayDefinition }
      GatewayAck: MessageTypeDefinition<_wicket_v1_GatewayAck, _wicket_v1_GatewayAck__Output>
      GatewayConfig: MessageTypeDefinition<_wicket_v1_GatewayConfig, _wicket_v1_GatewayConfig__Output>
      GatewayHello: MessageTypeDefinition<_wicket_v1_GatewayHello, _wicket_v1_GatewayHello__Output>
      GatewayRule: MessageTypeDefinition<_wicket_v1_GatewayRule, _wicket_v1_GatewayRule__Output>
      GatewaySession: MessageTypeDefinition<_wicket_v1_GatewaySession, _wicket_v1_GatewaySession__Output>
      GatewayStatus: MessageTypeDefinition<_wicket_v1_GatewayStatus, _wicket_v1_GatewayStatus__Output>
      GrantDecision: MessageTypeDefinition<_wicket_v1_GrantDecision, _wicket_v1_GrantDecision__Output>
      HeartbeatRequest: MessageTypeDefinition<_wicket_v1_HeartbeatRequest, _wicket_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_wicket_v1_HeartbeatResponse, _wicket_v1_HeartbeatResponse__Output>
      HttpAccess: MessageTypeDefinition<_wicket_v1_HttpAccess, _wicket_v1_HttpAccess__Output>
      HttpGrant: MessageTypeDefinition<_wicket_v1_HttpGrant, _wicket_v1_HttpGrant__Output>
      HttpRequestRecord: MessageTypeDefinition<_wicket_v1_HttpRequestRecord, _wicket_v1_HttpRequestRecord__Output>
      HttpRequestView: MessageTypeDefinition<_wicket_v1_HttpRequestView, _wicket_v1_HttpRequestView__Output>
      HttpResource: MessageTypeDefinition<_wicket_v1_HttpResource, _wicket_v1_HttpResource__Output>
      LinkUserRequest: MessageTypeDefinition<_wicket_v1_LinkUserRequest, _wicket_v1_LinkUserRequest__Output>
      LinkUserResponse: MessageTypeDefinition<_wicket_v1_LinkUserResponse, _wicket_v1_LinkUserResponse__Output>
      ListAccessRequestsRequest: MessageTypeDefinition<_wicket_v1_ListAccessRequestsRequest, _wicket_v1_ListAccessRequestsRequest__Output>
      ListAccessRequestsResponse: MessageTypeDefinition<_wicket_v1_ListAccessRequestsResponse, _wicket_v1_ListAccessRequestsResponse__Output>
      ListAdminCredentialsRequest: MessageTypeDefinition<_wicket_v1_ListAdminCredentialsRequest, _wicket_v1_ListAdminCredentialsRequest__Output>
      ListAdminCredentialsResponse: MessageTypeDefinition<_wicket_v1_ListAdminCredentialsResponse, _wicket_v1_ListAdminCredentialsResponse__Output>
      ListAuditRequest: MessageTypeDefinition<_wicket_v1_ListAuditRequest, _wicket_v1_ListAuditRequest__Output>
      ListAuditResponse: MessageTypeDefinition<_wicket_v1_ListAuditResponse, _wicket_v1_ListAuditResponse__Output>
      ListControllersRequest: MessageTypeDefinition<_wicket_v1_ListControllersRequest, _wicket_v1_ListControllersRequest__Output>
      ListControllersResponse: MessageTypeDefinition<_wicket_v1_ListControllersResponse, _wicket_v1_ListControllersResponse__Output>
      ListDevicesRequest: MessageTypeDefinition<_wicket_v1_ListDevicesRequest, _wicket_v1_ListDevicesRequest__Output>
      ListDevicesResponse: MessageTypeDefinition<_wicket_v1_ListDevicesResponse, _wicket_v1_ListDevicesResponse__Output>
      ListFlowsRequest: MessageTypeDefinition<_wicket_v1_ListFlowsRequest, _wicket_v1_ListFlowsRequest__Output>
      ListFlowsResponse: MessageTypeDefinition<_wicket_v1_ListFlowsResponse, _wicket_v1_ListFlowsResponse__Output>
      ListGatewaysRequest: MessageTypeDefinition<_wicket_v1_ListGatewaysRequest, _wicket_v1_ListGatewaysRequest__Output>
      ListGatewaysResponse: MessageTypeDefinition<_wicket_v1_ListGatewaysResponse, _wicket_v1_ListGatewaysResponse__Output>
      ListMyAccessRequestsRequest: MessageTypeDefinition<_wicket_v1_ListMyAccessRequestsRequest, _wicket_v1_ListMyAccessRequestsRequest__Output>
      ListResourcesRequest: MessageTypeDefinition<_wicket_v1_ListResourcesRequest, _wicket_v1_ListResourcesRequest__Output>
      ListResourcesResponse: MessageTypeDefinition<_wicket_v1_ListResourcesResponse, _wicket_v1_ListResourcesResponse__Output>
      ListSessionsRequest: MessageTypeDefinition<_wicket_v1_ListSessionsRequest, _wicket_v1_ListSessionsRequest__Output>
      ListSessionsResponse: MessageTypeDefinition<_wicket_v1_ListSessionsResponse, _wicket_v1_ListSessionsResponse__Output>
      ListUsersRequest: MessageTypeDefinition<_wicket_v1_ListUsersRequest, _wicket_v1_ListUsersRequest__Output>
      ListUsersResponse: MessageTypeDefinition<_wicket_v1_ListUsersResponse, _wicket_v1_ListUsersResponse__Output>
      LoginRequest: MessageTypeDefinition<_wicket_v1_LoginRequest, _wicket_v1_LoginRequest__Output>
      LoginResponse: MessageTypeDefinition<_wicket_v1_LoginResponse, _wicket_v1_LoginResponse__Output>
      PeerStat: MessageTypeDefinition<_wicket_v1_PeerStat, _wicket_v1_PeerStat__Output>
      PolicyDiffResponse: MessageTypeDefinition<_wicket_v1_PolicyDiffResponse, _wicket_v1_PolicyDiffResponse__Output>
      PolicyError: MessageTypeDefinition<_wicket_v1_PolicyError, _wicket_v1_PolicyError__Output>
      PolicyHistoryRequest: MessageTypeDefinition<_wicket_v1_PolicyHistoryRequest, _wicket_v1_PolicyHistoryRequest__Output>
      PolicyHistoryResponse: MessageTypeDefinition<_wicket_v1_PolicyHistoryResponse, _wicket_v1_PolicyHistoryResponse__Output>
      PolicyRequest: MessageTypeDefinition<_wicket_v1_PolicyRequest, _wicket_v1_PolicyRequest__Output>
      PolicyTestResponse: MessageTypeDefinition<_wicket_v1_PolicyTestResponse, _wicket_v1_PolicyTestResponse__Output>
      PolicyTestResult: MessageTypeDefinition<_wicket_v1_PolicyTestResult, _wicket_v1_PolicyTestResult__Output>
      PolicyVersion: MessageTypeDefinition<_wicket_v1_PolicyVersion, _wicket_v1_PolicyVersion__Output>
      PollSsoLoginRequest: MessageTypeDefinition<_wicket_v1_PollSsoLoginRequest, _wicket_v1_PollSsoLoginRequest__Output>
      PollSsoLoginResponse: MessageTypeDefinition<_wicket_v1_PollSsoLoginResponse, _wicket_v1_PollSsoLoginResponse__Output>
      Posture: MessageTypeDefinition<_wicket_v1_Posture, _wicket_v1_Posture__Output>
      ReportAck: MessageTypeDefinition<_wicket_v1_ReportAck, _wicket_v1_ReportAck__Output>
      RequestAccessRequest: MessageTypeDefinition<_wicket_v1_RequestAccessRequest, _wicket_v1_RequestAccessRequest__Output>
      ResourceAccess: MessageTypeDefinition<_wicket_v1_ResourceAccess, _wicket_v1_ResourceAccess__Output>
      RevokeAccessRequest: MessageTypeDefinition<_wicket_v1_RevokeAccessRequest, _wicket_v1_RevokeAccessRequest__Output>
      RevokeAdminCredentialRequest: MessageTypeDefinition<_wicket_v1_RevokeAdminCredentialRequest, _wicket_v1_RevokeAdminCredentialRequest__Output>
      RevokeSessionRequest: MessageTypeDefinition<_wicket_v1_RevokeSessionRequest, _wicket_v1_RevokeSessionRequest__Output>
      RevokeUserRequest: MessageTypeDefinition<_wicket_v1_RevokeUserRequest, _wicket_v1_RevokeUserRequest__Output>
      RevokeUserResponse: MessageTypeDefinition<_wicket_v1_RevokeUserResponse, _wicket_v1_RevokeUserResponse__Output>
      RuleCounter: MessageTypeDefinition<_wicket_v1_RuleCounter, _wicket_v1_RuleCounter__Output>
      Session: MessageTypeDefinition<_wicket_v1_Session, _wicket_v1_Session__Output>
      SessionEvent: MessageTypeDefinition<_wicket_v1_SessionEvent, _wicket_v1_SessionEvent__Output>
      SetUserDisabledRequest: MessageTypeDefinition<_wicket_v1_SetUserDisabledRequest, _wicket_v1_SetUserDisabledRequest__Output>
      SetUserGroupsRequest: MessageTypeDefinition<_wicket_v1_SetUserGroupsRequest, _wicket_v1_SetUserGroupsRequest__Output>
      ShowPolicyRequest: MessageTypeDefinition<_wicket_v1_ShowPolicyRequest, _wicket_v1_ShowPolicyRequest__Output>
      SigningKey: MessageTypeDefinition<_wicket_v1_SigningKey, _wicket_v1_SigningKey__Output>
      StartSsoLoginRequest: MessageTypeDefinition<_wicket_v1_StartSsoLoginRequest, _wicket_v1_StartSsoLoginRequest__Output>
      StartSsoLoginResponse: MessageTypeDefinition<_wicket_v1_StartSsoLoginResponse, _wicket_v1_StartSsoLoginResponse__Output>
      SyncAck: MessageTypeDefinition<_wicket_v1_SyncAck, _wicket_v1_SyncAck__Output>
      SyncDelta: MessageTypeDefinition<_wicket_v1_SyncDelta, _wicket_v1_SyncDelta__Output>
      SyncDown: MessageTypeDefinition<_wicket_v1_SyncDown, _wicket_v1_SyncDown__Output>
      SyncSnapshot: MessageTypeDefinition<_wicket_v1_SyncSnapshot, _wicket_v1_SyncSnapshot__Output>
      SyncUp: MessageTypeDefinition<_wicket_v1_SyncUp, _wicket_v1_SyncUp__Output>
      TelemetryBatch: MessageTypeDefinition<_wicket_v1_TelemetryBatch, _wicket_v1_TelemetryBatch__Output>
      User: MessageTypeDefinition<_wicket_v1_User, _wicket_v1_User__Output>
      VerifyAuditRequest: MessageTypeDefinition<_wicket_v1_VerifyAuditRequest, _wicket_v1_VerifyAuditRequest__Output>
      VerifyAuditResponse: MessageTypeDefinition<_wicket_v1_VerifyAuditResponse, _wicket_v1_VerifyAuditResponse__Output>
      WatchRequest: MessageTypeDefinition<_wicket_v1_WatchRequest, _wicket_v1_WatchRequest__Output>
      WatchSessionRequest: MessageTypeDefinition<_wicket_v1_WatchSessionRequest, _wicket_v1_WatchSessionRequest__Output>
    }
  }
}

