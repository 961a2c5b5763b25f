// Validation of every request that reaches the controller, with zod. Limits follow the
// comments in proto/wicket.proto. A violation is INVALID_ARGUMENT naming the field (in the
// proto's snake_case spelling) before any handler logic runs.
import { z } from 'zod';
import { HOST_PORT_PATTERN, wgKeyFormat } from '../../common/formats.js';
import { RpcError } from './errors.js';
import { passwordWeakness } from '../auth/password-strength.js';
import type { DeniedAttempt__Output as DeniedAttempt } from '../../proto/generated/wicket/v1/DeniedAttempt.js';
import type { FlowRecord__Output as FlowRecord } from '../../proto/generated/wicket/v1/FlowRecord.js';
import type { HttpRequestRecord__Output as HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';
import type { PeerStat__Output as PeerStat } from '../../proto/generated/wicket/v1/PeerStat.js';
import type { RuleCounter__Output as RuleCounter } from '../../proto/generated/wicket/v1/RuleCounter.js';
import type { LoginRequest__Output } from '../../proto/generated/wicket/v1/LoginRequest.js';
import type { EnrollGatewayRequest__Output } from '../../proto/generated/wicket/v1/EnrollGatewayRequest.js';
import type { StartSsoLoginRequest__Output } from '../../proto/generated/wicket/v1/StartSsoLoginRequest.js';
import type { PollSsoLoginRequest__Output } from '../../proto/generated/wicket/v1/PollSsoLoginRequest.js';
import type { AddUserRequest__Output } from '../../proto/generated/wicket/v1/AddUserRequest.js';
import type { ListUsersRequest__Output } from '../../proto/generated/wicket/v1/ListUsersRequest.js';
import type { SetUserDisabledRequest__Output } from '../../proto/generated/wicket/v1/SetUserDisabledRequest.js';
import type { SetUserGroupsRequest__Output } from '../../proto/generated/wicket/v1/SetUserGroupsRequest.js';
import type { RevokeUserRequest__Output } from '../../proto/generated/wicket/v1/RevokeUserRequest.js';
import type { LinkUserRequest__Output } from '../../proto/generated/wicket/v1/LinkUserRequest.js';
import type { ListAdminCredentialsRequest__Output } from '../../proto/generated/wicket/v1/ListAdminCredentialsRequest.js';
import type { RevokeAdminCredentialRequest__Output } from '../../proto/generated/wicket/v1/RevokeAdminCredentialRequest.js';
import type { CreateJoinTokenRequest__Output } from '../../proto/generated/wicket/v1/CreateJoinTokenRequest.js';
import type { ListGatewaysRequest__Output } from '../../proto/generated/wicket/v1/ListGatewaysRequest.js';
import type { ListControllersRequest__Output } from '../../proto/generated/wicket/v1/ListControllersRequest.js';
import type { PolicyRequest__Output } from '../../proto/generated/wicket/v1/PolicyRequest.js';
import type { ShowPolicyRequest__Output } from '../../proto/generated/wicket/v1/ShowPolicyRequest.js';
import type { PolicyHistoryRequest__Output } from '../../proto/generated/wicket/v1/PolicyHistoryRequest.js';
import type { ExplainPolicyRequest__Output } from '../../proto/generated/wicket/v1/ExplainPolicyRequest.js';
import type { ListSessionsRequest__Output } from '../../proto/generated/wicket/v1/ListSessionsRequest.js';
import type { RevokeSessionRequest__Output } from '../../proto/generated/wicket/v1/RevokeSessionRequest.js';
import type { WatchSessionRequest__Output } from '../../proto/generated/wicket/v1/WatchSessionRequest.js';
import type { ListDevicesRequest__Output } from '../../proto/generated/wicket/v1/ListDevicesRequest.js';
import type { BlockDeviceRequest__Output } from '../../proto/generated/wicket/v1/BlockDeviceRequest.js';
import type { ListFlowsRequest__Output } from '../../proto/generated/wicket/v1/ListFlowsRequest.js';
import type { ListAuditRequest__Output } from '../../proto/generated/wicket/v1/ListAuditRequest.js';
import type { VerifyAuditRequest__Output } from '../../proto/generated/wicket/v1/VerifyAuditRequest.js';
import type { ConnectRequest__Output } from '../../proto/generated/wicket/v1/ConnectRequest.js';
import type { WatchRequest__Output } from '../../proto/generated/wicket/v1/WatchRequest.js';
import type { HeartbeatRequest__Output } from '../../proto/generated/wicket/v1/HeartbeatRequest.js';
import type { DisconnectRequest__Output } from '../../proto/generated/wicket/v1/DisconnectRequest.js';
import type { ListResourcesRequest__Output } from '../../proto/generated/wicket/v1/ListResourcesRequest.js';
import type { RequestAccessRequest__Output } from '../../proto/generated/wicket/v1/RequestAccessRequest.js';
import type { ListMyAccessRequestsRequest__Output } from '../../proto/generated/wicket/v1/ListMyAccessRequestsRequest.js';
import type { ListAccessRequestsRequest__Output } from '../../proto/generated/wicket/v1/ListAccessRequestsRequest.js';
import type { ApproveAccessRequest__Output } from '../../proto/generated/wicket/v1/ApproveAccessRequest.js';
import type { DenyAccessRequest__Output } from '../../proto/generated/wicket/v1/DenyAccessRequest.js';
import type { RevokeAccessRequest__Output } from '../../proto/generated/wicket/v1/RevokeAccessRequest.js';
import type { GatewayHello__Output } from '../../proto/generated/wicket/v1/GatewayHello.js';
import type { SyncAck__Output } from '../../proto/generated/wicket/v1/SyncAck.js';
import type { SyncUp__Output } from '../../proto/generated/wicket/v1/SyncUp.js';
import type { TelemetryBatch__Output } from '../../proto/generated/wicket/v1/TelemetryBatch.js';

const NO_CONTROL = /^[^\p{Cc}\p{Cf}]*$/u;

/** A printable string of at most `max` characters (may be empty). */
export const text = (max: number) => z.string().max(max, `must be at most ${max} characters`).regex(NO_CONTROL, 'must not contain control characters');

/** User, group, gateway and resource names. */
export const name = z.string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._@-]+$/, 'may contain only letters, digits, ".", "_", "-" and "@"');

export const optionalName = z.union([z.literal(''), name]);

const bytesAtMost = (max: number) => (s: string) => Buffer.byteLength(s, 'utf8') <= max;

export const password = z.string().refine(bytesAtMost(1024), 'must be at most 1024 bytes');
export const csrPem = z.string().min(1, 'must not be empty').refine(bytesAtMost(8192), 'must be at most 8 KiB')
  .regex(/-----BEGIN CERTIFICATE REQUEST-----/, 'must be a PEM certificate request');
export const totpCode = z.string().regex(/^\d{6}$/, 'must be 6 digits');
export const groups = z.array(name).max(256, 'at most 256 groups');
/** A WireGuard key: base64 of 32 bytes. */
export const wgKey = wgKeyFormat('must be a base64 WireGuard key (44 characters)');
/** Session ids and other opaque ids we generate. */
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const id = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters').regex(ID_PATTERN, 'is not a valid id');
export const deviceId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex characters');
export const hostPort = z.union([z.literal(''), z.string().max(261).regex(HOST_PORT_PATTERN, 'must be HOST:PORT')]);
const nonNegative = z.number().int('must be an integer').min(0, 'must not be negative');
export const protocol = z.enum(['', 'tcp', 'udp', 'icmp'], { message: 'must be tcp, udp or icmp' });
export const port = z.number().int().min(0).max(65535, 'must be a port number (0-65535)');

export const posture = z.object({
  os: text(32), osVersion: text(128), clientVersion: text(64),
  diskEncryption: z.enum(['', 'true', 'false']), firewall: z.enum(['', 'true', 'false']), hostname: text(255),
}).nullish();

// Telemetry records from gateways (the gateway is authenticated, but its input is still bounded).
// A batch holds up to hundreds of thousands of records, so zod checks only the envelope and
// each record goes through a small field guard instead: zod's per-record object copies were
// a measured 17 % of ingest time plus their garbage (docs/performance.md). The guard enforces
// the same bounds and reports the first problem as "flows[3].session_id: ...", like `check`.
// Record fields are short printable ASCII (addresses, protocol names, ids).
type FieldRule = (value: unknown) => string | undefined;
const ASCII_PATTERN = /^[\x21-\x7e]*$/;
const stringRule = (min: number, max: number, pattern: RegExp, problem: string): FieldRule => (v) => {
  if (typeof v !== 'string') return 'must be a string';
  if (v.length < min) return 'must not be empty';
  if (v.length > max) return `must be at most ${max} characters`;
  return pattern.test(v) ? undefined : problem;
};
const integerRule = (max: number, aboveMax: string): FieldRule => (v) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return 'must be an integer';
  if (v < 0) return 'must not be negative';
  return v > max ? aboveMax : undefined;
};
const ascii = (max: number) => stringRule(0, max, ASCII_PATTERN, 'must be printable ASCII without spaces');
const recordId = stringRule(1, 64, ID_PATTERN, 'is not a valid id');
const optionalId = ascii(64);
const address = ascii(64);
/**
 * An address, the hostname of a request the HTTP proxy refused (protocol "http"), or the name
 * of a query the gateway's DNS service refused (protocol "dns").
 */
const deniedDestination = ascii(253);
/** A rule's destination: an address or CIDR (IPv4 or IPv6), a DNS name or a wildcard ("*." + name). */
const ruleDestination = ascii(255);
const recordProtocol = ascii(16);
const recordPort = integerRule(65535, 'must be a port number (0-65535)');
/** Counters, byte counts and times in ms: any non-negative safe integer. */
const recordInteger = integerRule(Number.MAX_SAFE_INTEGER, 'must be an integer');
/** A request path as the proxy records it (canonical, so printable ASCII without spaces). */
const httpPath = ascii(2048);
const printable = (max: number): FieldRule => (v) => (typeof v !== 'string' ? 'must be a string' : v.length > max ? `must be at most ${max} characters` : /[\u0000-\u001f\u007f]/.test(v) ? 'must not hold control characters' : undefined);
const recordBoolean: FieldRule = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const MAX_RECORDS = 200_000;

/** A rule for every field of a record type (the proto's), so a field cannot go unchecked. */
type RecordRules<T> = { [K in keyof T]-?: FieldRule };

/** A list of at most MAX_RECORDS records, each checked field by field, passed through without copying. */
function recordList<T extends object>(rules: RecordRules<T>) {
  const fields = Object.entries(rules) as [string, FieldRule][];
  return z.custom<T[]>((v) => Array.isArray(v), 'must be a list').superRefine((records, ctx) => {
    if (records.length > MAX_RECORDS) {
      ctx.addIssue({ code: 'custom', message: `must hold at most ${MAX_RECORDS} records`, input: records });
      return;
    }
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as Record<string, unknown> | null;
      if (typeof r !== 'object' || r === null) {
        ctx.addIssue({ code: 'custom', message: 'must be a record', path: [i], input: r });
        return;
      }
      for (const [field, rule] of fields) {
        const problem = rule(r[field]);
        if (problem !== undefined) {
          ctx.addIssue({ code: 'custom', message: problem, path: [i, field], input: r[field] });
          return;
        }
      }
    }
  });
}

const count = nonNegative.max(Number.MAX_SAFE_INTEGER);
export const telemetryBatch = z.object({
  seq: nonNegative.min(1, 'must be positive'),
  collectedAtMs: nonNegative,
  peers: recordList<PeerStat>({ sessionId: recordId, endpoint: ascii(64), lastHandshakeMs: recordInteger, rxBytes: recordInteger, txBytes: recordInteger }),
  counters: recordList<RuleCounter>({
    sessionId: recordId, destination: ruleDestination, protocol: recordProtocol, portFrom: recordPort, portTo: recordPort, packets: recordInteger, bytes: recordInteger,
  }),
  denied: recordList<DeniedAttempt>({
    sessionId: optionalId, source: address, destination: deniedDestination, protocol: recordProtocol, port: recordPort, count: recordInteger,
    firstSeenMs: recordInteger, lastSeenMs: recordInteger,
  }),
  flows: recordList<FlowRecord>({
    sessionId: recordId, source: address, destination: address, protocol: recordProtocol, port: recordPort, startedAtMs: recordInteger,
    endedAtMs: recordInteger, bytesOut: recordInteger, bytesIn: recordInteger,
  }),
  httpRequests: recordList<HttpRequestRecord>({
    sessionId: optionalId, resource: ascii(64), method: ascii(32), hostname: ascii(253), path: httpPath, status: integerRule(999, 'must be an HTTP status'),
    bytesIn: recordInteger, bytesOut: recordInteger, startedAtMs: recordInteger, durationUs: recordInteger, username: ascii(128), deviceId: ascii(64),
    deniedReason: printable(512), tunnel: recordBoolean,
  }),
  droppedRecords: count,
});

/** How long just-in-time access may be asked or approved for (the grant's max_duration is checked later). */
const accessDuration = z.number().int('must be an integer').min(1000, 'must be at least 1 second').max(365 * 86_400_000, 'must be at most 365 days');

const gatewayHello = z.object({ publicKey: wgKey, endpoint: hostPort.refine((s) => s !== '', 'must not be empty'), agentVersion: text(64), appliedVersion: nonNegative });
const syncAck = z.object({ version: nonNegative, applyUs: nonNegative, error: text(4096) });

/** Every request message the controller validates, as the proto generates it. */
interface RequestMessages {
  LoginRequest: LoginRequest__Output;
  EnrollGatewayRequest: EnrollGatewayRequest__Output;
  StartSsoLoginRequest: StartSsoLoginRequest__Output;
  PollSsoLoginRequest: PollSsoLoginRequest__Output;
  AddUserRequest: AddUserRequest__Output;
  ListUsersRequest: ListUsersRequest__Output;
  SetUserDisabledRequest: SetUserDisabledRequest__Output;
  SetUserGroupsRequest: SetUserGroupsRequest__Output;
  RevokeUserRequest: RevokeUserRequest__Output;
  LinkUserRequest: LinkUserRequest__Output;
  ListAdminCredentialsRequest: ListAdminCredentialsRequest__Output;
  RevokeAdminCredentialRequest: RevokeAdminCredentialRequest__Output;
  CreateJoinTokenRequest: CreateJoinTokenRequest__Output;
  ListGatewaysRequest: ListGatewaysRequest__Output;
  ListControllersRequest: ListControllersRequest__Output;
  PolicyRequest: PolicyRequest__Output;
  ShowPolicyRequest: ShowPolicyRequest__Output;
  PolicyHistoryRequest: PolicyHistoryRequest__Output;
  ExplainPolicyRequest: ExplainPolicyRequest__Output;
  ListSessionsRequest: ListSessionsRequest__Output;
  RevokeSessionRequest: RevokeSessionRequest__Output;
  WatchSessionRequest: WatchSessionRequest__Output;
  ListDevicesRequest: ListDevicesRequest__Output;
  BlockDeviceRequest: BlockDeviceRequest__Output;
  ListFlowsRequest: ListFlowsRequest__Output;
  ListAuditRequest: ListAuditRequest__Output;
  VerifyAuditRequest: VerifyAuditRequest__Output;
  ConnectRequest: ConnectRequest__Output;
  WatchRequest: WatchRequest__Output;
  HeartbeatRequest: HeartbeatRequest__Output;
  DisconnectRequest: DisconnectRequest__Output;
  ListResourcesRequest: ListResourcesRequest__Output;
  RequestAccessRequest: RequestAccessRequest__Output;
  ListMyAccessRequestsRequest: ListMyAccessRequestsRequest__Output;
  ListAccessRequestsRequest: ListAccessRequestsRequest__Output;
  ApproveAccessRequest: ApproveAccessRequest__Output;
  DenyAccessRequest: DenyAccessRequest__Output;
  RevokeAccessRequest: RevokeAccessRequest__Output;
  GatewayHello: GatewayHello__Output;
  SyncAck: SyncAck__Output;
  SyncUp: SyncUp__Output;
  TelemetryBatch: TelemetryBatch__Output;
}

/** The fields of a message; proto-loader's `_field` members only say which `optional` field is set. */
type FieldsOf<M> = { [K in keyof M as K extends `_${string}` ? never : K]-?: z.ZodType };

/**
 * A schema for each request message that names every field of the message: a field added to
 * the proto fails the build here instead of being stripped by zod before a handler sees it.
 */
type RequestSchemas = { [N in keyof RequestMessages]: { shape: FieldsOf<RequestMessages[N]> } };

/** Schemas for every request, by message name. */
export const requests = {
  // Auth
  LoginRequest: z.object({ username: name, password: password.min(1, 'must not be empty'), totpCode, csrPem, deviceName: text(64) }),
  EnrollGatewayRequest: z.object({
    token: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters').regex(/^[A-Za-z0-9_-]+$/, 'is not a join token'), csrPem,
    wgPublicKey: wgKey,
  }),
  // Single sign-on (controller/sso): provider names follow the user-name rule; login ids are the controller's base64url handles.
  StartSsoLoginRequest: z.object({ provider: optionalName, csrPem, deviceName: text(64) }),
  PollSsoLoginRequest: z.object({ loginId: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not an SSO login id') }),
  // Admin
  // A new password must be strong (empty = an SSO-only account with no password).
  AddUserRequest: z.object({ name, groups, password, admin: z.boolean() }).superRefine((r, ctx) => {
    const weak = r.password ? passwordWeakness(r.password, [r.name]) : undefined;
    if (weak) ctx.addIssue({ code: 'custom', path: ['password'], message: weak });
  }),
  ListUsersRequest: z.object({}),
  SetUserDisabledRequest: z.object({ name, disabled: z.boolean() }),
  SetUserGroupsRequest: z.object({ name, groups }),
  RevokeUserRequest: z.object({ name }),
  LinkUserRequest: z.object({ name, provider: name, subject: text(255).min(1, 'must not be empty') }),
  ListAdminCredentialsRequest: z.object({}),
  RevokeAdminCredentialRequest: z.object({ serial: z.string().regex(/^[0-9a-f]{1,64}$/, 'must be a certificate serial (lower-case hex)') }),
  CreateJoinTokenRequest: z.object({ gatewayName: name, ttlSeconds: nonNegative.max(30 * 86_400, 'must be at most 30 days'), endpoint: hostPort }),
  ListGatewaysRequest: z.object({}),
  ListControllersRequest: z.object({}),
  PolicyRequest: z.object({ yaml: z.string().min(1, 'must not be empty').refine(bytesAtMost(1 << 20), 'must be at most 1 MiB') }),
  ShowPolicyRequest: z.object({ version: nonNegative }),
  PolicyHistoryRequest: z.object({}),
  ExplainPolicyRequest: z.object({
    user: name, resource: name, protocol, port, posture, atMs: nonNegative, mfa: z.boolean().nullish(),
    httpMethod: z.union([z.literal(''), z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/, 'must be an HTTP method like GET')]),
    httpPath: z.union([z.literal(''), z.string().max(2048, 'must be at most 2048 characters').regex(/^\//, 'must start with /')]),
  }),
  ListSessionsRequest: z.object({
    all: z.boolean(), user: optionalName, deviceId: z.union([z.literal(''), deviceId]), gateway: optionalName,
    limit: nonNegative.max(10_000, 'must be at most 10000'), offset: nonNegative, id: z.union([z.literal(''), id]),
  }),
  RevokeSessionRequest: z.object({ id, reason: text(256) }),
  WatchSessionRequest: z.object({ id }),
  ListDevicesRequest: z.object({}),
  BlockDeviceRequest: z.object({ id: deviceId, reason: text(256) }),
  ListFlowsRequest: z.object({
    sessionId: z.union([z.literal(''), id]), user: optionalName, sinceMs: nonNegative, limit: z.number().int().min(0).max(100_000),
    deviceId: z.union([z.literal(''), deviceId]), offset: nonNegative,
    // The bucket count (at most MAX_FLOW_BUCKETS from since_ms to now) is checked by the handler, which knows the time.
    bucketMs: z.union([z.literal(0), nonNegative.min(1000, 'must be 0 or at least 1000').max(31 * 86_400_000, 'must be at most 31 days')]),
    http: z.boolean(),
  }),
  ListAuditRequest: z.object({ afterId: nonNegative, limit: z.number().int().min(0).max(100_000), actionPrefix: text(64), newestFirst: z.boolean(), beforeId: nonNegative }),
  VerifyAuditRequest: z.object({ head: z.string().refine(bytesAtMost(4096), 'must be at most 4 KiB') }),
  // Client
  ConnectRequest: z.object({ wgPublicKey: wgKey, posture, ackTimeoutMs: nonNegative.max(120_000, 'must be at most 120000') }),
  WatchRequest: z.object({ sessionId: id }),
  HeartbeatRequest: z.object({ sessionId: id, posture }),
  DisconnectRequest: z.object({ sessionId: id }),
  ListResourcesRequest: z.object({ posture }),
  // Just-in-time access (controller/access/)
  RequestAccessRequest: z.object({ resource: name, grant: optionalName, durationMs: accessDuration, reason: text(512) }),
  ListMyAccessRequestsRequest: z.object({}),
  ListAccessRequestsRequest: z.object({ pending: z.boolean(), user: optionalName }),
  ApproveAccessRequest: z.object({ id, durationMs: z.union([z.literal(0), accessDuration]), reason: text(512) }),
  DenyAccessRequest: z.object({ id, reason: text(512).min(1, 'must not be empty: say why the request is denied') }),
  RevokeAccessRequest: z.object({ id, reason: text(512) }),
  // Gateway
  GatewayHello: gatewayHello,
  SyncAck: syncAck,
  // What a gateway sends on Sync: one of the two (the proto's oneof).
  SyncUp: z.object({ hello: gatewayHello.nullish(), ack: syncAck.nullish(), msg: z.enum(['hello', 'ack']).optional() }),
  TelemetryBatch: telemetryBatch,
} satisfies RequestSchemas;

export type RequestName = keyof typeof requests;

/** snake_case of a camelCase field name, as the proto spells it. */
function protoField(key: PropertyKey): string {
  return typeof key === 'number' ? `[${key}]` : String(key).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Validates `value` against `schema`; throws INVALID_ARGUMENT "field: problem" otherwise. */
export function check<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(protoField).join('.').replace(/\.\[/g, '[');
  throw new RpcError('invalid', path ? `${path}: ${issue.message}` : issue.message);
}

/** A request after validation: the parsed message. */
export type ValidRequest<N extends RequestName> = z.infer<(typeof requests)[N]>;

/** Validates a request by its message name. */
export function validate<N extends RequestName>(message: N, request: unknown): ValidRequest<N> {
  return check(requests[message], request) as ValidRequest<N>;
}
