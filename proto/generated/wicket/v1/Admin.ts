// Original file: proto/wicket.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AccessRequest as _wicket_v1_AccessRequest, AccessRequest__Output as _wicket_v1_AccessRequest__Output } from '../../wicket/v1/AccessRequest.js';
import type { AddUserRequest as _wicket_v1_AddUserRequest, AddUserRequest__Output as _wicket_v1_AddUserRequest__Output } from '../../wicket/v1/AddUserRequest.js';
import type { AddUserResponse as _wicket_v1_AddUserResponse, AddUserResponse__Output as _wicket_v1_AddUserResponse__Output } from '../../wicket/v1/AddUserResponse.js';
import type { AdminCredential as _wicket_v1_AdminCredential, AdminCredential__Output as _wicket_v1_AdminCredential__Output } from '../../wicket/v1/AdminCredential.js';
import type { ApplyPolicyResponse as _wicket_v1_ApplyPolicyResponse, ApplyPolicyResponse__Output as _wicket_v1_ApplyPolicyResponse__Output } from '../../wicket/v1/ApplyPolicyResponse.js';
import type { ApproveAccessRequest as _wicket_v1_ApproveAccessRequest, ApproveAccessRequest__Output as _wicket_v1_ApproveAccessRequest__Output } from '../../wicket/v1/ApproveAccessRequest.js';
import type { BlockDeviceRequest as _wicket_v1_BlockDeviceRequest, BlockDeviceRequest__Output as _wicket_v1_BlockDeviceRequest__Output } from '../../wicket/v1/BlockDeviceRequest.js';
import type { CreateJoinTokenRequest as _wicket_v1_CreateJoinTokenRequest, CreateJoinTokenRequest__Output as _wicket_v1_CreateJoinTokenRequest__Output } from '../../wicket/v1/CreateJoinTokenRequest.js';
import type { CreateJoinTokenResponse as _wicket_v1_CreateJoinTokenResponse, CreateJoinTokenResponse__Output as _wicket_v1_CreateJoinTokenResponse__Output } from '../../wicket/v1/CreateJoinTokenResponse.js';
import type { DenyAccessRequest as _wicket_v1_DenyAccessRequest, DenyAccessRequest__Output as _wicket_v1_DenyAccessRequest__Output } from '../../wicket/v1/DenyAccessRequest.js';
import type { Device as _wicket_v1_Device, Device__Output as _wicket_v1_Device__Output } from '../../wicket/v1/Device.js';
import type { ExplainPolicyRequest as _wicket_v1_ExplainPolicyRequest, ExplainPolicyRequest__Output as _wicket_v1_ExplainPolicyRequest__Output } from '../../wicket/v1/ExplainPolicyRequest.js';
import type { ExplainPolicyResponse as _wicket_v1_ExplainPolicyResponse, ExplainPolicyResponse__Output as _wicket_v1_ExplainPolicyResponse__Output } from '../../wicket/v1/ExplainPolicyResponse.js';
import type { LinkUserRequest as _wicket_v1_LinkUserRequest, LinkUserRequest__Output as _wicket_v1_LinkUserRequest__Output } from '../../wicket/v1/LinkUserRequest.js';
import type { LinkUserResponse as _wicket_v1_LinkUserResponse, LinkUserResponse__Output as _wicket_v1_LinkUserResponse__Output } from '../../wicket/v1/LinkUserResponse.js';
import type { ListAccessRequestsRequest as _wicket_v1_ListAccessRequestsRequest, ListAccessRequestsRequest__Output as _wicket_v1_ListAccessRequestsRequest__Output } from '../../wicket/v1/ListAccessRequestsRequest.js';
import type { ListAccessRequestsResponse as _wicket_v1_ListAccessRequestsResponse, ListAccessRequestsResponse__Output as _wicket_v1_ListAccessRequestsResponse__Output } from '../../wicket/v1/ListAccessRequestsResponse.js';
import type { ListAdminCredentialsRequest as _wicket_v1_ListAdminCredentialsRequest, ListAdminCredentialsRequest__Output as _wicket_v1_ListAdminCredentialsRequest__Output } from '../../wicket/v1/ListAdminCredentialsRequest.js';
import type { ListAdminCredentialsResponse as _wicket_v1_ListAdminCredentialsResponse, ListAdminCredentialsResponse__Output as _wicket_v1_ListAdminCredentialsResponse__Output } from '../../wicket/v1/ListAdminCredentialsResponse.js';
import type { ListAuditRequest as _wicket_v1_ListAuditRequest, ListAuditRequest__Output as _wicket_v1_ListAuditRequest__Output } from '../../wicket/v1/ListAuditRequest.js';
import type { ListAuditResponse as _wicket_v1_ListAuditResponse, ListAuditResponse__Output as _wicket_v1_ListAuditResponse__Output } from '../../wicket/v1/ListAuditResponse.js';
import type { ListControllersRequest as _wicket_v1_ListControllersRequest, ListControllersRequest__Output as _wicket_v1_ListControllersRequest__Output } from '../../wicket/v1/ListControllersRequest.js';
import type { ListControllersResponse as _wicket_v1_ListControllersResponse, ListControllersResponse__Output as _wicket_v1_ListControllersResponse__Output } from '../../wicket/v1/ListControllersResponse.js';
import type { ListDevicesRequest as _wicket_v1_ListDevicesRequest, ListDevicesRequest__Output as _wicket_v1_ListDevicesRequest__Output } from '../../wicket/v1/ListDevicesRequest.js';
import type { ListDevicesResponse as _wicket_v1_ListDevicesResponse, ListDevicesResponse__Output as _wicket_v1_ListDevicesResponse__Output } from '../../wicket/v1/ListDevicesResponse.js';
import type { ListFlowsRequest as _wicket_v1_ListFlowsRequest, ListFlowsRequest__Output as _wicket_v1_ListFlowsRequest__Output } from '../../wicket/v1/ListFlowsRequest.js';
import type { ListFlowsResponse as _wicket_v1_ListFlowsResponse, ListFlowsResponse__Output as _wicket_v1_ListFlowsResponse__Output } from '../../wicket/v1/ListFlowsResponse.js';
import type { ListGatewaysRequest as _wicket_v1_ListGatewaysRequest, ListGatewaysRequest__Output as _wicket_v1_ListGatewaysRequest__Output } from '../../wicket/v1/ListGatewaysRequest.js';
import type { ListGatewaysResponse as _wicket_v1_ListGatewaysResponse, ListGatewaysResponse__Output as _wicket_v1_ListGatewaysResponse__Output } from '../../wicket/v1/ListGatewaysResponse.js';
import type { ListSessionsRequest as _wicket_v1_ListSessionsRequest, ListSessionsRequest__Output as _wicket_v1_ListSessionsRequest__Output } from '../../wicket/v1/ListSessionsRequest.js';
import type { ListSessionsResponse as _wicket_v1_ListSessionsResponse, ListSessionsResponse__Output as _wicket_v1_ListSessionsResponse__Output } from '../../wicket/v1/ListSessionsResponse.js';
import type { ListUsersRequest as _wicket_v1_ListUsersRequest, ListUsersRequest__Output as _wicket_v1_ListUsersRequest__Output } from '../../wicket/v1/ListUsersRequest.js';
import type { ListUsersResponse as _wicket_v1_ListUsersResponse, ListUsersResponse__Output as _wicket_v1_ListUsersResponse__Output } from '../../wicket/v1/ListUsersResponse.js';
import type { PolicyDiffResponse as _wicket_v1_PolicyDiffResponse, PolicyDiffResponse__Output as _wicket_v1_PolicyDiffResponse__Output } from '../../wicket/v1/PolicyDiffResponse.js';
import type { PolicyHistoryRequest as _wicket_v1_PolicyHistoryRequest, PolicyHistoryRequest__Output as _wicket_v1_PolicyHistoryRequest__Output } from '../../wicket/v1/PolicyHistoryRequest.js';
import type { PolicyHistoryResponse as _wicket_v1_PolicyHistoryResponse, PolicyHistoryResponse__Output as _wicket_v1_PolicyHistoryResponse__Output } from '../../wicket/v1/PolicyHistoryResponse.js';
import type { PolicyRequest as _wicket_v1_PolicyRequest, PolicyRequest__Output as _wicket_v1_PolicyRequest__Output } from '../../wicket/v1/PolicyRequest.js';
import type { PolicyTestResponse as _wicket_v1_PolicyTestResponse, PolicyTestResponse__Output as _wicket_v1_PolicyTestResponse__Output } from '../../wicket/v1/PolicyTestResponse.js';
import type { PolicyVersion as _wicket_v1_PolicyVersion, PolicyVersion__Output as _wicket_v1_PolicyVersion__Output } from '../../wicket/v1/PolicyVersion.js';
import type { RevokeAccessRequest as _wicket_v1_RevokeAccessRequest, RevokeAccessRequest__Output as _wicket_v1_RevokeAccessRequest__Output } from '../../wicket/v1/RevokeAccessRequest.js';
import type { RevokeAdminCredentialRequest as _wicket_v1_RevokeAdminCredentialRequest, RevokeAdminCredentialRequest__Output as _wicket_v1_RevokeAdminCredentialRequest__Output } from '../../wicket/v1/RevokeAdminCredentialRequest.js';
import type { RevokeSessionRequest as _wicket_v1_RevokeSessionRequest, RevokeSessionRequest__Output as _wicket_v1_RevokeSessionRequest__Output } from '../../wicket/v1/RevokeSessionRequest.js';
import type { RevokeUserRequest as _wicket_v1_RevokeUserRequest, RevokeUserRequest__Output as _wicket_v1_RevokeUserRequest__Output } from '../../wicket/v1/RevokeUserRequest.js';
import type { RevokeUserResponse as _wicket_v1_RevokeUserResponse, RevokeUserResponse__Output as _wicket_v1_RevokeUserResponse__Output } from '../../wicket/v1/RevokeUserResponse.js';
import type { Session as _wicket_v1_Session, Session__Output as _wicket_v1_Session__Output } from '../../wicket/v1/Session.js';
import type { SetUserDisabledRequest as _wicket_v1_SetUserDisabledRequest, SetUserDisabledRequest__Output as _wicket_v1_SetUserDisabledRequest__Output } from '../../wicket/v1/SetUserDisabledRequest.js';
import type { SetUserGroupsRequest as _wicket_v1_SetUserGroupsRequest, SetUserGroupsRequest__Output as _wicket_v1_SetUserGroupsRequest__Output } from '../../wicket/v1/SetUserGroupsRequest.js';
import type { ShowPolicyRequest as _wicket_v1_ShowPolicyRequest, ShowPolicyRequest__Output as _wicket_v1_ShowPolicyRequest__Output } from '../../wicket/v1/ShowPolicyRequest.js';
import type { User as _wicket_v1_User, User__Output as _wicket_v1_User__Output } from '../../wicket/v1/User.js';
import type { VerifyAuditRequest as _wicket_v1_VerifyAuditRequest, VerifyAuditRequest__Output as _wicket_v1_VerifyAuditRequest__Output } from '../../wicket/v1/VerifyAuditRequest.js';
import type { VerifyAuditResponse as _wicket_v1_VerifyAuditResponse, VerifyAuditResponse__Output as _wicket_v1_VerifyAuditResponse__Output } from '../../wicket/v1/VerifyAuditResponse.js';
import type { WatchSessionRequest as _wicket_v1_WatchSessionRequest, WatchSessionRequest__Output as _wicket_v1_WatchSessionRequest__Output } from '../../wicket/v1/WatchSessionRequest.js';

/**
 * ---------------------------------------------------------------------------------------
 * Admin: an admin certificate on the API port. Every mutating call is audited with the
 * admin's identity from the certificate.
 * ---------------------------------------------------------------------------------------
 */
export interface AdminClient extends grpc.Client {
  AddUser(argument: _wicket_v1_AddUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AddUserResponse__Output>): grpc.ClientUnaryCall;
  AddUser(argument: _wicket_v1_AddUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AddUserResponse__Output>): grpc.ClientUnaryCall;
  AddUser(argument: _wicket_v1_AddUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AddUserResponse__Output>): grpc.ClientUnaryCall;
  AddUser(argument: _wicket_v1_AddUserRequest, callback: grpc.requestCallback<_wicket_v1_AddUserResponse__Output>): grpc.ClientUnaryCall;
  addUser(argument: _wicket_v1_AddUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AddUserResponse__Output>): grpc.ClientUnaryCall;
  addUser(argument: _wicket_v1_AddUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AddUserResponse__Output>): grpc.ClientUnaryCall;
  addUser(argument: _wicket_v1_AddUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AddUserResponse__Output>): grpc.ClientUnaryCall;
  addUser(argument: _wicket_v1_AddUserRequest, callback: grpc.requestCallback<_wicket_v1_AddUserResponse__Output>): grpc.ClientUnaryCall;
  
  ApplyPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ApplyPolicyResponse__Output>): grpc.ClientUnaryCall;
  ApplyPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ApplyPolicyResponse__Output>): grpc.ClientUnaryCall;
  ApplyPolicy(argument: _wicket_v1_PolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ApplyPolicyResponse__Output>): grpc.ClientUnaryCall;
  ApplyPolicy(argument: _wicket_v1_PolicyRequest, callback: grpc.requestCallback<_wicket_v1_ApplyPolicyResponse__Output>): grpc.ClientUnaryCall;
  applyPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ApplyPolicyResponse__Output>): grpc.ClientUnaryCall;
  applyPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ApplyPolicyResponse__Output>): grpc.ClientUnaryCall;
  applyPolicy(argument: _wicket_v1_PolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ApplyPolicyResponse__Output>): grpc.ClientUnaryCall;
  applyPolicy(argument: _wicket_v1_PolicyRequest, callback: grpc.requestCallback<_wicket_v1_ApplyPolicyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Approval adds the entitlement to the requester's live sessions at once, until it expires.
   */
  ApproveAccess(argument: _wicket_v1_ApproveAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  ApproveAccess(argument: _wicket_v1_ApproveAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  ApproveAccess(argument: _wicket_v1_ApproveAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  ApproveAccess(argument: _wicket_v1_ApproveAccessRequest, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  /**
   * Approval adds the entitlement to the requester's live sessions at once, until it expires.
   */
  approveAccess(argument: _wicket_v1_ApproveAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  approveAccess(argument: _wicket_v1_ApproveAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  approveAccess(argument: _wicket_v1_ApproveAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  approveAccess(argument: _wicket_v1_ApproveAccessRequest, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  
  BlockDevice(argument: _wicket_v1_BlockDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_Device__Output>): grpc.ClientUnaryCall;
  BlockDevice(argument: _wicket_v1_BlockDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_Device__Output>): grpc.ClientUnaryCall;
  BlockDevice(argument: _wicket_v1_BlockDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_Device__Output>): grpc.ClientUnaryCall;
  BlockDevice(argument: _wicket_v1_BlockDeviceRequest, callback: grpc.requestCallback<_wicket_v1_Device__Output>): grpc.ClientUnaryCall;
  blockDevice(argument: _wicket_v1_BlockDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_Device__Output>): grpc.ClientUnaryCall;
  blockDevice(argument: _wicket_v1_BlockDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_Device__Output>): grpc.ClientUnaryCall;
  blockDevice(argument: _wicket_v1_BlockDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_Device__Output>): grpc.ClientUnaryCall;
  blockDevice(argument: _wicket_v1_BlockDeviceRequest, callback: grpc.requestCallback<_wicket_v1_Device__Output>): grpc.ClientUnaryCall;
  
  CreateJoinToken(argument: _wicket_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _wicket_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _wicket_v1_CreateJoinTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateJoinToken(argument: _wicket_v1_CreateJoinTokenRequest, callback: grpc.requestCallback<_wicket_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _wicket_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _wicket_v1_CreateJoinTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _wicket_v1_CreateJoinTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  createJoinToken(argument: _wicket_v1_CreateJoinTokenRequest, callback: grpc.requestCallback<_wicket_v1_CreateJoinTokenResponse__Output>): grpc.ClientUnaryCall;
  
  DenyAccess(argument: _wicket_v1_DenyAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  DenyAccess(argument: _wicket_v1_DenyAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  DenyAccess(argument: _wicket_v1_DenyAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  DenyAccess(argument: _wicket_v1_DenyAccessRequest, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  denyAccess(argument: _wicket_v1_DenyAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  denyAccess(argument: _wicket_v1_DenyAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  denyAccess(argument: _wicket_v1_DenyAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  denyAccess(argument: _wicket_v1_DenyAccessRequest, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  
  DiffPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyDiffResponse__Output>): grpc.ClientUnaryCall;
  DiffPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PolicyDiffResponse__Output>): grpc.ClientUnaryCall;
  DiffPolicy(argument: _wicket_v1_PolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyDiffResponse__Output>): grpc.ClientUnaryCall;
  DiffPolicy(argument: _wicket_v1_PolicyRequest, callback: grpc.requestCallback<_wicket_v1_PolicyDiffResponse__Output>): grpc.ClientUnaryCall;
  diffPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyDiffResponse__Output>): grpc.ClientUnaryCall;
  diffPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PolicyDiffResponse__Output>): grpc.ClientUnaryCall;
  diffPolicy(argument: _wicket_v1_PolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyDiffResponse__Output>): grpc.ClientUnaryCall;
  diffPolicy(argument: _wicket_v1_PolicyRequest, callback: grpc.requestCallback<_wicket_v1_PolicyDiffResponse__Output>): grpc.ClientUnaryCall;
  
  ExplainPolicy(argument: _wicket_v1_ExplainPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ExplainPolicyResponse__Output>): grpc.ClientUnaryCall;
  ExplainPolicy(argument: _wicket_v1_ExplainPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ExplainPolicyResponse__Output>): grpc.ClientUnaryCall;
  ExplainPolicy(argument: _wicket_v1_ExplainPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ExplainPolicyResponse__Output>): grpc.ClientUnaryCall;
  ExplainPolicy(argument: _wicket_v1_ExplainPolicyRequest, callback: grpc.requestCallback<_wicket_v1_ExplainPolicyResponse__Output>): grpc.ClientUnaryCall;
  explainPolicy(argument: _wicket_v1_ExplainPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ExplainPolicyResponse__Output>): grpc.ClientUnaryCall;
  explainPolicy(argument: _wicket_v1_ExplainPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ExplainPolicyResponse__Output>): grpc.ClientUnaryCall;
  explainPolicy(argument: _wicket_v1_ExplainPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ExplainPolicyResponse__Output>): grpc.ClientUnaryCall;
  explainPolicy(argument: _wicket_v1_ExplainPolicyRequest, callback: grpc.requestCallback<_wicket_v1_ExplainPolicyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Links an identity provider's subject to a user, so that their SSO logins land on that
   * account (the only way SSO reaches an admin or a password account; docs/sso.md).
   */
  LinkUser(argument: _wicket_v1_LinkUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_LinkUserResponse__Output>): grpc.ClientUnaryCall;
  LinkUser(argument: _wicket_v1_LinkUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_LinkUserResponse__Output>): grpc.ClientUnaryCall;
  LinkUser(argument: _wicket_v1_LinkUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_LinkUserResponse__Output>): grpc.ClientUnaryCall;
  LinkUser(argument: _wicket_v1_LinkUserRequest, callback: grpc.requestCallback<_wicket_v1_LinkUserResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Links an identity provider's subject to a user, so that their SSO logins land on that
   * account (the only way SSO reaches an admin or a password account; docs/sso.md).
   */
  linkUser(argument: _wicket_v1_LinkUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_LinkUserResponse__Output>): grpc.ClientUnaryCall;
  linkUser(argument: _wicket_v1_LinkUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_LinkUserResponse__Output>): grpc.ClientUnaryCall;
  linkUser(argument: _wicket_v1_LinkUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_LinkUserResponse__Output>): grpc.ClientUnaryCall;
  linkUser(argument: _wicket_v1_LinkUserRequest, callback: grpc.requestCallback<_wicket_v1_LinkUserResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * --- Just-in-time access (docs/access.md): the approver's side. The admin certificate's
   * name is the approving user; it must be among the grant's approvers and never the requester.
   */
  ListAccessRequests(argument: _wicket_v1_ListAccessRequestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListAccessRequests(argument: _wicket_v1_ListAccessRequestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListAccessRequests(argument: _wicket_v1_ListAccessRequestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  ListAccessRequests(argument: _wicket_v1_ListAccessRequestsRequest, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * --- Just-in-time access (docs/access.md): the approver's side. The admin certificate's
   * name is the approving user; it must be among the grant's approvers and never the requester.
   */
  listAccessRequests(argument: _wicket_v1_ListAccessRequestsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  listAccessRequests(argument: _wicket_v1_ListAccessRequestsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  listAccessRequests(argument: _wicket_v1_ListAccessRequestsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  listAccessRequests(argument: _wicket_v1_ListAccessRequestsRequest, callback: grpc.requestCallback<_wicket_v1_ListAccessRequestsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The bootstrap admin credentials (written by `init` and `admin-credentials` on the
   * controller host), and revoking one.
   */
  ListAdminCredentials(argument: _wicket_v1_ListAdminCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAdminCredentialsResponse__Output>): grpc.ClientUnaryCall;
  ListAdminCredentials(argument: _wicket_v1_ListAdminCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListAdminCredentialsResponse__Output>): grpc.ClientUnaryCall;
  ListAdminCredentials(argument: _wicket_v1_ListAdminCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAdminCredentialsResponse__Output>): grpc.ClientUnaryCall;
  ListAdminCredentials(argument: _wicket_v1_ListAdminCredentialsRequest, callback: grpc.requestCallback<_wicket_v1_ListAdminCredentialsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The bootstrap admin credentials (written by `init` and `admin-credentials` on the
   * controller host), and revoking one.
   */
  listAdminCredentials(argument: _wicket_v1_ListAdminCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAdminCredentialsResponse__Output>): grpc.ClientUnaryCall;
  listAdminCredentials(argument: _wicket_v1_ListAdminCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListAdminCredentialsResponse__Output>): grpc.ClientUnaryCall;
  listAdminCredentials(argument: _wicket_v1_ListAdminCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAdminCredentialsResponse__Output>): grpc.ClientUnaryCall;
  listAdminCredentials(argument: _wicket_v1_ListAdminCredentialsRequest, callback: grpc.requestCallback<_wicket_v1_ListAdminCredentialsResponse__Output>): grpc.ClientUnaryCall;
  
  ListAudit(argument: _wicket_v1_ListAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  ListAudit(argument: _wicket_v1_ListAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  ListAudit(argument: _wicket_v1_ListAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  ListAudit(argument: _wicket_v1_ListAuditRequest, callback: grpc.requestCallback<_wicket_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  listAudit(argument: _wicket_v1_ListAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  listAudit(argument: _wicket_v1_ListAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  listAudit(argument: _wicket_v1_ListAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  listAudit(argument: _wicket_v1_ListAuditRequest, callback: grpc.requestCallback<_wicket_v1_ListAuditResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The controllers sharing this database (docs/operations.md): each one's addresses, last
   * heartbeat, the gateways whose Sync stream it holds and how many clients it serves.
   */
  ListControllers(argument: _wicket_v1_ListControllersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListControllersResponse__Output>): grpc.ClientUnaryCall;
  ListControllers(argument: _wicket_v1_ListControllersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListControllersResponse__Output>): grpc.ClientUnaryCall;
  ListControllers(argument: _wicket_v1_ListControllersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListControllersResponse__Output>): grpc.ClientUnaryCall;
  ListControllers(argument: _wicket_v1_ListControllersRequest, callback: grpc.requestCallback<_wicket_v1_ListControllersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The controllers sharing this database (docs/operations.md): each one's addresses, last
   * heartbeat, the gateways whose Sync stream it holds and how many clients it serves.
   */
  listControllers(argument: _wicket_v1_ListControllersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListControllersResponse__Output>): grpc.ClientUnaryCall;
  listControllers(argument: _wicket_v1_ListControllersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListControllersResponse__Output>): grpc.ClientUnaryCall;
  listControllers(argument: _wicket_v1_ListControllersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListControllersResponse__Output>): grpc.ClientUnaryCall;
  listControllers(argument: _wicket_v1_ListControllersRequest, callback: grpc.requestCallback<_wicket_v1_ListControllersResponse__Output>): grpc.ClientUnaryCall;
  
  ListDevices(argument: _wicket_v1_ListDevicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  ListDevices(argument: _wicket_v1_ListDevicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  ListDevices(argument: _wicket_v1_ListDevicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  ListDevices(argument: _wicket_v1_ListDevicesRequest, callback: grpc.requestCallback<_wicket_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  listDevices(argument: _wicket_v1_ListDevicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  listDevices(argument: _wicket_v1_ListDevicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  listDevices(argument: _wicket_v1_ListDevicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  listDevices(argument: _wicket_v1_ListDevicesRequest, callback: grpc.requestCallback<_wicket_v1_ListDevicesResponse__Output>): grpc.ClientUnaryCall;
  
  ListFlows(argument: _wicket_v1_ListFlowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  ListFlows(argument: _wicket_v1_ListFlowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  ListFlows(argument: _wicket_v1_ListFlowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  ListFlows(argument: _wicket_v1_ListFlowsRequest, callback: grpc.requestCallback<_wicket_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  listFlows(argument: _wicket_v1_ListFlowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  listFlows(argument: _wicket_v1_ListFlowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  listFlows(argument: _wicket_v1_ListFlowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  listFlows(argument: _wicket_v1_ListFlowsRequest, callback: grpc.requestCallback<_wicket_v1_ListFlowsResponse__Output>): grpc.ClientUnaryCall;
  
  ListGateways(argument: _wicket_v1_ListGatewaysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListGatewaysResponse__Output>): grpc.ClientUnaryCall;
  ListGateways(argument: _wicket_v1_ListGatewaysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListGatewaysResponse__Output>): grpc.ClientUnaryCall;
  ListGateways(argument: _wicket_v1_ListGatewaysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListGatewaysResponse__Output>): grpc.ClientUnaryCall;
  ListGateways(argument: _wicket_v1_ListGatewaysRequest, callback: grpc.requestCallback<_wicket_v1_ListGatewaysResponse__Output>): grpc.ClientUnaryCall;
  listGateways(argument: _wicket_v1_ListGatewaysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListGatewaysResponse__Output>): grpc.ClientUnaryCall;
  listGateways(argument: _wicket_v1_ListGatewaysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListGatewaysResponse__Output>): grpc.ClientUnaryCall;
  listGateways(argument: _wicket_v1_ListGatewaysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListGatewaysResponse__Output>): grpc.ClientUnaryCall;
  listGateways(argument: _wicket_v1_ListGatewaysRequest, callback: grpc.requestCallback<_wicket_v1_ListGatewaysResponse__Output>): grpc.ClientUnaryCall;
  
  ListSessions(argument: _wicket_v1_ListSessionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _wicket_v1_ListSessionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _wicket_v1_ListSessionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  ListSessions(argument: _wicket_v1_ListSessionsRequest, callback: grpc.requestCallback<_wicket_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _wicket_v1_ListSessionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _wicket_v1_ListSessionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _wicket_v1_ListSessionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  listSessions(argument: _wicket_v1_ListSessionsRequest, callback: grpc.requestCallback<_wicket_v1_ListSessionsResponse__Output>): grpc.ClientUnaryCall;
  
  ListUsers(argument: _wicket_v1_ListUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _wicket_v1_ListUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _wicket_v1_ListUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  ListUsers(argument: _wicket_v1_ListUsersRequest, callback: grpc.requestCallback<_wicket_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _wicket_v1_ListUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _wicket_v1_ListUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _wicket_v1_ListUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  listUsers(argument: _wicket_v1_ListUsersRequest, callback: grpc.requestCallback<_wicket_v1_ListUsersResponse__Output>): grpc.ClientUnaryCall;
  
  PolicyHistory(argument: _wicket_v1_PolicyHistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyHistoryResponse__Output>): grpc.ClientUnaryCall;
  PolicyHistory(argument: _wicket_v1_PolicyHistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PolicyHistoryResponse__Output>): grpc.ClientUnaryCall;
  PolicyHistory(argument: _wicket_v1_PolicyHistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyHistoryResponse__Output>): grpc.ClientUnaryCall;
  PolicyHistory(argument: _wicket_v1_PolicyHistoryRequest, callback: grpc.requestCallback<_wicket_v1_PolicyHistoryResponse__Output>): grpc.ClientUnaryCall;
  policyHistory(argument: _wicket_v1_PolicyHistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyHistoryResponse__Output>): grpc.ClientUnaryCall;
  policyHistory(argument: _wicket_v1_PolicyHistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PolicyHistoryResponse__Output>): grpc.ClientUnaryCall;
  policyHistory(argument: _wicket_v1_PolicyHistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyHistoryResponse__Output>): grpc.ClientUnaryCall;
  policyHistory(argument: _wicket_v1_PolicyHistoryRequest, callback: grpc.requestCallback<_wicket_v1_PolicyHistoryResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Ends an approved request early; its entitlement leaves the live sessions at once.
   */
  RevokeAccess(argument: _wicket_v1_RevokeAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  RevokeAccess(argument: _wicket_v1_RevokeAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  RevokeAccess(argument: _wicket_v1_RevokeAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  RevokeAccess(argument: _wicket_v1_RevokeAccessRequest, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  /**
   * Ends an approved request early; its entitlement leaves the live sessions at once.
   */
  revokeAccess(argument: _wicket_v1_RevokeAccessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  revokeAccess(argument: _wicket_v1_RevokeAccessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  revokeAccess(argument: _wicket_v1_RevokeAccessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  revokeAccess(argument: _wicket_v1_RevokeAccessRequest, callback: grpc.requestCallback<_wicket_v1_AccessRequest__Output>): grpc.ClientUnaryCall;
  
  RevokeAdminCredential(argument: _wicket_v1_RevokeAdminCredentialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AdminCredential__Output>): grpc.ClientUnaryCall;
  RevokeAdminCredential(argument: _wicket_v1_RevokeAdminCredentialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AdminCredential__Output>): grpc.ClientUnaryCall;
  RevokeAdminCredential(argument: _wicket_v1_RevokeAdminCredentialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AdminCredential__Output>): grpc.ClientUnaryCall;
  RevokeAdminCredential(argument: _wicket_v1_RevokeAdminCredentialRequest, callback: grpc.requestCallback<_wicket_v1_AdminCredential__Output>): grpc.ClientUnaryCall;
  revokeAdminCredential(argument: _wicket_v1_RevokeAdminCredentialRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AdminCredential__Output>): grpc.ClientUnaryCall;
  revokeAdminCredential(argument: _wicket_v1_RevokeAdminCredentialRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_AdminCredential__Output>): grpc.ClientUnaryCall;
  revokeAdminCredential(argument: _wicket_v1_RevokeAdminCredentialRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_AdminCredential__Output>): grpc.ClientUnaryCall;
  revokeAdminCredential(argument: _wicket_v1_RevokeAdminCredentialRequest, callback: grpc.requestCallback<_wicket_v1_AdminCredential__Output>): grpc.ClientUnaryCall;
  
  RevokeSession(argument: _wicket_v1_RevokeSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_Session__Output>): grpc.ClientUnaryCall;
  RevokeSession(argument: _wicket_v1_RevokeSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_Session__Output>): grpc.ClientUnaryCall;
  RevokeSession(argument: _wicket_v1_RevokeSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_Session__Output>): grpc.ClientUnaryCall;
  RevokeSession(argument: _wicket_v1_RevokeSessionRequest, callback: grpc.requestCallback<_wicket_v1_Session__Output>): grpc.ClientUnaryCall;
  revokeSession(argument: _wicket_v1_RevokeSessionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_Session__Output>): grpc.ClientUnaryCall;
  revokeSession(argument: _wicket_v1_RevokeSessionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_Session__Output>): grpc.ClientUnaryCall;
  revokeSession(argument: _wicket_v1_RevokeSessionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_Session__Output>): grpc.ClientUnaryCall;
  revokeSession(argument: _wicket_v1_RevokeSessionRequest, callback: grpc.requestCallback<_wicket_v1_Session__Output>): grpc.ClientUnaryCall;
  
  /**
   * Ends all of the user's sessions and revokes all their certificates; they must log in again.
   */
  RevokeUser(argument: _wicket_v1_RevokeUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_RevokeUserResponse__Output>): grpc.ClientUnaryCall;
  RevokeUser(argument: _wicket_v1_RevokeUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_RevokeUserResponse__Output>): grpc.ClientUnaryCall;
  RevokeUser(argument: _wicket_v1_RevokeUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_RevokeUserResponse__Output>): grpc.ClientUnaryCall;
  RevokeUser(argument: _wicket_v1_RevokeUserRequest, callback: grpc.requestCallback<_wicket_v1_RevokeUserResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Ends all of the user's sessions and revokes all their certificates; they must log in again.
   */
  revokeUser(argument: _wicket_v1_RevokeUserRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_RevokeUserResponse__Output>): grpc.ClientUnaryCall;
  revokeUser(argument: _wicket_v1_RevokeUserRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_RevokeUserResponse__Output>): grpc.ClientUnaryCall;
  revokeUser(argument: _wicket_v1_RevokeUserRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_RevokeUserResponse__Output>): grpc.ClientUnaryCall;
  revokeUser(argument: _wicket_v1_RevokeUserRequest, callback: grpc.requestCallback<_wicket_v1_RevokeUserResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Disabling a user ends their sessions and makes their certificates useless at once.
   */
  SetUserDisabled(argument: _wicket_v1_SetUserDisabledRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  SetUserDisabled(argument: _wicket_v1_SetUserDisabledRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  SetUserDisabled(argument: _wicket_v1_SetUserDisabledRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  SetUserDisabled(argument: _wicket_v1_SetUserDisabledRequest, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  /**
   * Disabling a user ends their sessions and makes their certificates useless at once.
   */
  setUserDisabled(argument: _wicket_v1_SetUserDisabledRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  setUserDisabled(argument: _wicket_v1_SetUserDisabledRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  setUserDisabled(argument: _wicket_v1_SetUserDisabledRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  setUserDisabled(argument: _wicket_v1_SetUserDisabledRequest, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  
  /**
   * Replaces a user's directory groups; live sessions are re-evaluated.
   */
  SetUserGroups(argument: _wicket_v1_SetUserGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  SetUserGroups(argument: _wicket_v1_SetUserGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  SetUserGroups(argument: _wicket_v1_SetUserGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  SetUserGroups(argument: _wicket_v1_SetUserGroupsRequest, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  /**
   * Replaces a user's directory groups; live sessions are re-evaluated.
   */
  setUserGroups(argument: _wicket_v1_SetUserGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  setUserGroups(argument: _wicket_v1_SetUserGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  setUserGroups(argument: _wicket_v1_SetUserGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  setUserGroups(argument: _wicket_v1_SetUserGroupsRequest, callback: grpc.requestCallback<_wicket_v1_User__Output>): grpc.ClientUnaryCall;
  
  ShowPolicy(argument: _wicket_v1_ShowPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyVersion__Output>): grpc.ClientUnaryCall;
  ShowPolicy(argument: _wicket_v1_ShowPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PolicyVersion__Output>): grpc.ClientUnaryCall;
  ShowPolicy(argument: _wicket_v1_ShowPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyVersion__Output>): grpc.ClientUnaryCall;
  ShowPolicy(argument: _wicket_v1_ShowPolicyRequest, callback: grpc.requestCallback<_wicket_v1_PolicyVersion__Output>): grpc.ClientUnaryCall;
  showPolicy(argument: _wicket_v1_ShowPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyVersion__Output>): grpc.ClientUnaryCall;
  showPolicy(argument: _wicket_v1_ShowPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PolicyVersion__Output>): grpc.ClientUnaryCall;
  showPolicy(argument: _wicket_v1_ShowPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyVersion__Output>): grpc.ClientUnaryCall;
  showPolicy(argument: _wicket_v1_ShowPolicyRequest, callback: grpc.requestCallback<_wicket_v1_PolicyVersion__Output>): grpc.ClientUnaryCall;
  
  TestPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyTestResponse__Output>): grpc.ClientUnaryCall;
  TestPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PolicyTestResponse__Output>): grpc.ClientUnaryCall;
  TestPolicy(argument: _wicket_v1_PolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyTestResponse__Output>): grpc.ClientUnaryCall;
  TestPolicy(argument: _wicket_v1_PolicyRequest, callback: grpc.requestCallback<_wicket_v1_PolicyTestResponse__Output>): grpc.ClientUnaryCall;
  testPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyTestResponse__Output>): grpc.ClientUnaryCall;
  testPolicy(argument: _wicket_v1_PolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_PolicyTestResponse__Output>): grpc.ClientUnaryCall;
  testPolicy(argument: _wicket_v1_PolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_PolicyTestResponse__Output>): grpc.ClientUnaryCall;
  testPolicy(argument: _wicket_v1_PolicyRequest, callback: grpc.requestCallback<_wicket_v1_PolicyTestResponse__Output>): grpc.ClientUnaryCall;
  
  VerifyAudit(argument: _wicket_v1_VerifyAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _wicket_v1_VerifyAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _wicket_v1_VerifyAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  VerifyAudit(argument: _wicket_v1_VerifyAuditRequest, callback: grpc.requestCallback<_wicket_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _wicket_v1_VerifyAuditRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _wicket_v1_VerifyAuditRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_wicket_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _wicket_v1_VerifyAuditRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_wicket_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  verifyAudit(argument: _wicket_v1_VerifyAuditRequest, callback: grpc.requestCallback<_wicket_v1_VerifyAuditResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The session's view at once, then again each time one of its gateways acknowledges the
   * version carrying its latest change; ends when every gateway has (or the caller cancels).
   */
  WatchSession(argument: _wicket_v1_WatchSessionRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_wicket_v1_Session__Output>;
  WatchSession(argument: _wicket_v1_WatchSessionRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_wicket_v1_Session__Output>;
  /**
   * The session's view at once, then again each time one of its gateways acknowledges the
   * version carrying its latest change; ends when every gateway has (or the caller cancels).
   */
  watchSession(argument: _wicket_v1_WatchSessionRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_wicket_v1_Session__Output>;
  watchSession(argument: _wicket_v1_WatchSessionRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_wicket_v1_Session__Output>;
  
}

/**
 * ---------------------------------------------------------------------------------------
 * Admin: an admin certificate on the API port. Every mutating call is audited with the
 * admin's identity from the certificate.
 * ---------------------------------------------------------------------------------------
 */
export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  AddUser: grpc.handleUnaryCall<_wicket_v1_AddUserRequest__Output, _wicket_v1_AddUserResponse>;
  
  ApplyPolicy: grpc.handleUnaryCall<_wicket_v1_PolicyRequest__Output, _wicket_v1_ApplyPolicyResponse>;
  
  /**
   * Approval adds the entitlement to the requester's live sessions at once, until it expires.
   */
  ApproveAccess: grpc.handleUnaryCall<_wicket_v1_ApproveAccessRequest__Output, _wicket_v1_AccessRequest>;
  
  BlockDevice: grpc.handleUnaryCall<_wicket_v1_BlockDeviceRequest__Output, _wicket_v1_Device>;
  
  CreateJoinToken: grpc.handleUnaryCall<_wicket_v1_CreateJoinTokenRequest__Output, _wicket_v1_CreateJoinTokenResponse>;
  
  DenyAccess: grpc.handleUnaryCall<_wicket_v1_DenyAccessRequest__Output, _wicket_v1_AccessRequest>;
  
  DiffPolicy: grpc.handleUnaryCall<_wicket_v1_PolicyRequest__Output, _wicket_v1_PolicyDiffResponse>;
  
  ExplainPolicy: grpc.handleUnaryCall<_wicket_v1_ExplainPolicyRequest__Output, _wicket_v1_ExplainPolicyResponse>;
  
  /**
   * Links an identity provider's subject to a user, so that their SSO logins land on that
   * account (the only way SSO reaches an admin or a password account; docs/sso.md).
   */
  LinkUser: grpc.handleUnaryCall<_wicket_v1_LinkUserRequest__Output, _wicket_v1_LinkUserResponse>;
  
  /**
   * --- Just-in-time access (docs/access.md): the approver's side. The admin certificate's
   * name is the approving user; it must be among the grant's approvers and never the requester.
   */
  ListAccessRequests: grpc.handleUnaryCall<_wicket_v1_ListAccessRequestsRequest__Output, _wicket_v1_ListAccessRequestsResponse>;
  
  /**
   * The bootstrap admin credentials (written by `init` and `admin-credentials` on the
   * controller host), and revoking one.
   */
  ListAdminCredentials: grpc.handleUnaryCall<_wicket_v1_ListAdminCredentialsRequest__Output, _wicket_v1_ListAdminCredentialsResponse>;
  
  ListAudit: grpc.handleUnaryCall<_wicket_v1_ListAuditRequest__Output, _wicket_v1_ListAuditResponse>;
  
  /**
   * The controllers sharing this database (docs/operations.md): each one's addresses, last
   * heartbeat, the gateways whose Sync stream it holds and how many clients it serves.
   */
  ListControllers: grpc.handleUnaryCall<_wicket_v1_ListControllersRequest__Output, _wicket_v1_ListControllersResponse>;
  
  ListDevices: grpc.handleUnaryCall<_wicket_v1_ListDevicesRequest__Output, _wicket_v1_ListDevicesResponse>;
  
  ListFlows: grpc.handleUnaryCall<_wicket_v1_ListFlowsRequest__Output, _wicket_v1_ListFlowsResponse>;
  
  ListGateways: grpc.handleUnaryCall<_wicket_v1_ListGatewaysRequest__Output, _wicket_v1_ListGatewaysResponse>;
  
  ListSessions: grpc.handleUnaryCall<_wicket_v1_ListSessionsRequest__Output, _wicket_v1_ListSessionsResponse>;
  
  ListUsers: grpc.handleUnaryCall<_wicket_v1_ListUsersRequest__Output, _wicket_v1_ListUsersResponse>;
  
  PolicyHistory: grpc.handleUnaryCall<_wicket_v1_PolicyHistoryRequest__Output, _wicket_v1_PolicyHistoryResponse>;
  
  /**
   * Ends an approved request early; its entitlement leaves the live sessions at once.
   */
  RevokeAccess: grpc.handleUnaryCall<_wicket_v1_RevokeAccessRequest__Output, _wicket_v1_AccessRequest>;
  
  RevokeAdminCredential: grpc.handleUnaryCall<_wicket_v1_RevokeAdminCredentialRequest__Output, _wicket_v1_AdminCredential>;
  
  RevokeSession: grpc.handleUnaryCall<_wicket_v1_RevokeSessionRequest__Output, _wicket_v1_Session>;
  
  /**
   * Ends all of the user's sessions and revokes all their certificates; they must log in again.
   */
  RevokeUser: grpc.handleUnaryCall<_wicket_v1_RevokeUserRequest__Output, _wicket_v1_RevokeUserResponse>;
  
  /**
   * Disabling a user ends their sessions and makes their certificates useless at once.
   */
  SetUserDisabled: grpc.handleUnaryCall<_wicket_v1_SetUserDisabledRequest__Output, _wicket_v1_User>;
  
  /**
   * Replaces a user's directory groups; live sessions are re-evaluated.
   */
  SetUserGroups: grpc.handleUnaryCall<_wicket_v1_SetUserGroupsRequest__Output, _wicket_v1_User>;
  
  ShowPolicy: grpc.handleUnaryCall<_wicket_v1_ShowPolicyRequest__Output, _wicket_v1_PolicyVersion>;
  
  TestPolicy: grpc.handleUnaryCall<_wicket_v1_PolicyRequest__Output, _wicket_v1_PolicyTestResponse>;
  
  VerifyAudit: grpc.handleUnaryCall<_wicket_v1_VerifyAuditRequest__Output, _wicket_v1_VerifyAuditResponse>;
  
  /**
   * The session's view at once, then again each time one of its gateways acknowledges the
   * version carrying its latest change; ends when every gateway has (or the caller cancels).
   */
  WatchSession: grpc.handleServerStreamingCall<_wicket_v1_WatchSessionRequest__Output, _wicket_v1_Session>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  AddUser: MethodDefinition<_wicket_v1_AddUserRequest, _wicket_v1_AddUserResponse, _wicket_v1_AddUserRequest__Output, _wicket_v1_AddUserResponse__Output>
  ApplyPolicy: MethodDefinition<_wicket_v1_PolicyRequest, _wicket_v1_ApplyPolicyResponse, _wicket_v1_PolicyRequest__Output, _wicket_v1_ApplyPolicyResponse__Output>
  ApproveAccess: MethodDefinition<_wicket_v1_ApproveAccessRequest, _wicket_v1_AccessRequest, _wicket_v1_ApproveAccessRequest__Output, _wicket_v1_AccessRequest__Output>
  BlockDevice: MethodDefinition<_wicket_v1_BlockDeviceRequest, _wicket_v1_Device, _wicket_v1_BlockDeviceRequest__Output, _wicket_v1_Device__Output>
  CreateJoinToken: MethodDefinition<_wicket_v1_CreateJoinTokenRequest, _wicket_v1_CreateJoinTokenResponse, _wicket_v1_CreateJoinTokenRequest__Output, _wicket_v1_CreateJoinTokenResponse__Output>
  DenyAccess: MethodDefinition<_wicket_v1_DenyAccessRequest, _wicket_v1_AccessRequest, _wicket_v1_DenyAccessRequest__Output, _wicket_v1_AccessRequest__Output>
  DiffPolicy: MethodDefinition<_wicket_v1_PolicyRequest, _wicket_v1_PolicyDiffResponse, _wicket_v1_PolicyRequest__Output, _wicket_v1_PolicyDiffResponse__Output>
  ExplainPolicy: MethodDefinition<_wicket_v1_ExplainPolicyRequest, _wicket_v1_ExplainPolicyResponse, _wicket_v1_ExplainPolicyRequest__Output, _wicket_v1_ExplainPolicyResponse__Output>
  LinkUser: MethodDefinition<_wicket_v1_LinkUserRequest, _wicket_v1_LinkUserResponse, _wicket_v1_LinkUserRequest__Output, _wicket_v1_LinkUserResponse__Output>
  ListAccessRequests: MethodDefinition<_wicket_v1_ListAccessRequestsRequest, _wicket_v1_ListAccessRequestsResponse, _wicket_v1_ListAccessRequestsRequest__Output, _wicket_v1_ListAccessRequestsResponse__Output>
  ListAdminCredentials: MethodDefinition<_wicket_v1_ListAdminCredentialsRequest, _wicket_v1_ListAdminCredentialsResponse, _wicket_v1_ListAdminCredentialsRequest__Output, _wicket_v1_ListAdminCredentialsResponse__Output>
  ListAudit: MethodDefinition<_wicket_v1_ListAuditRequest, _wicket_v1_ListAuditResponse, _wicket_v1_ListAuditRequest__Output, _wicket_v1_ListAuditResponse__Output>
  ListControllers: MethodDefinition<_wicket_v1_ListControllersRequest, _wicket_v1_ListControllersResponse, _wicket_v1_ListControllersRequest__Output, _wicket_v1_ListControllersResponse__Output>
  ListDevices: MethodDefinition<_wicket_v1_ListDevicesRequest, _wicket_v1_ListDevicesResponse, _wicket_v1_ListDevicesRequest__Output, _wicket_v1_ListDevicesResponse__Output>
  ListFlows: MethodDefinition<_wicket_v1_ListFlowsRequest, _wicket_v1_ListFlowsResponse, _wicket_v1_ListFlowsRequest__Output, _wicket_v1_ListFlowsResponse__Output>
  ListGateways: MethodDefinition<_wicket_v1_ListGatewaysRequest, _wicket_v1_ListGatewaysResponse, _wicket_v1_ListGatewaysRequest__Output, _wicket_v1_ListGatewaysResponse__Output>
  ListSessions: MethodDefinition<_wicket_v1_ListSessionsRequest, _wicket_v1_ListSessionsResponse, _wicket_v1_ListSessionsRequest__Output, _wicket_v1_ListSessionsResponse__Output>
  ListUsers: MethodDefinition<_wicket_v1_ListUsersRequest, _wicket_v1_ListUsersResponse, _wicket_v1_ListUsersRequest__Output, _wicket_v1_ListUsersResponse__Output>
  PolicyHistory: MethodDefinition<_wicket_v1_PolicyHistoryRequest, _wicket_v1_PolicyHistoryResponse, _wicket_v1_PolicyHistoryRequest__Output, _wicket_v1_PolicyHistoryResponse__Output>
  RevokeAccess: MethodDefinition<_wicket_v1_RevokeAccessRequest, _wicket_v1_AccessRequest, _wicket_v1_RevokeAccessRequest__Output, _wicket_v1_AccessRequest__Output>
  RevokeAdminCredential: MethodDefinition<_wicket_v1_RevokeAdminCredentialRequest, _wicket_v1_AdminCredential, _wicket_v1_RevokeAdminCredentialRequest__Output, _wicket_v1_AdminCredential__Output>
  RevokeSession: MethodDefinition<_wicket_v1_RevokeSessionRequest, _wicket_v1_Session, _wicket_v1_RevokeSessionRequest__Output, _wicket_v1_Session__Output>
  RevokeUser: MethodDefinition<_wicket_v1_RevokeUserRequest, _wicket_v1_RevokeUserResponse, _wicket_v1_RevokeUserRequest__Output, _wicket_v1_RevokeUserResponse__Output>
  SetUserDisabled: MethodDefinition<_wicket_v1_SetUserDisabledRequest, _wicket_v1_User, _wicket_v1_SetUserDisabledRequest__Output, _wicket_v1_User__Output>
  SetUserGroups: MethodDefinition<_wicket_v1_SetUserGroupsRequest, _wicket_v1_User, _wicket_v1_SetUserGroupsRequest__Output, _wicket_v1_User__Output>
  ShowPolicy: MethodDefinition<_wicket_v1_ShowPolicyRequest, _wicket_v1_PolicyVersion, _wicket_v1_ShowPolicyRequest__Output, _wicket_v1_PolicyVersion__Output>
  TestPolicy: MethodDefinition<_wicket_v1_PolicyRequest, _wicket_v1_PolicyTestResponse, _wicket_v1_PolicyRequest__Output, _wicket_v1_PolicyTestResponse__Output>
  VerifyAudit: MethodDefinition<_wicket_v1_VerifyAuditRequest, _wicket_v1_VerifyAuditResponse, _wicket_v1_VerifyAuditRequest__Output, _wicket_v1_VerifyAuditResponse__Output>
  WatchSession: MethodDefinition<_wicket_v1_WatchSessionRequest, _wicket_v1_Session, _wicket_v1_WatchSessionRequest__Output, _wicket_v1_Session__Output>
}
