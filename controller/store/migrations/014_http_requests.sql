-- Requests through the gateways' identity-aware proxies (TelemetryBatch.http_requests),
-- allowed or refused, stored with the other records of their batch and pruned with the flows
-- (controller/telemetry/telemetry-store.ts). A request names its user and device itself: a
-- browser on the public listener has no session to join through (ingest replaces them with
-- the session's for requests that name one, so a gateway cannot blame another user).
--
-- Unlike flows (006_telemetry_indexes.sql), the listing's filters each get an index: a
-- request has no session to test against the sessions indexes when it came without the
-- tunnel, so a user or device filter over a long window would otherwise walk every request.
CREATE TABLE http_requests (
  id             INTEGER PRIMARY KEY,
  gateway        TEXT NOT NULL,
  session_id     TEXT NOT NULL,
  resource       TEXT NOT NULL,
  method         TEXT NOT NULL,
  hostname       TEXT NOT NULL,
  path           TEXT NOT NULL,
  status         INTEGER NOT NULL,
  bytes_in       INTEGER NOT NULL,
  bytes_out      INTEGER NOT NULL,
  started_at_ms  INTEGER NOT NULL,
  duration_us    INTEGER NOT NULL,
  username       TEXT NOT NULL,
  device_id      TEXT NOT NULL,
  denied_reason  TEXT NOT NULL,
  tunnel         INTEGER NOT NULL
) STRICT;
CREATE INDEX http_requests_started ON http_requests(started_at_ms);
CREATE INDEX http_requests_session ON http_requests(session_id, started_at_ms);
CREATE INDEX http_requests_user ON http_requests(username, started_at_ms);
CREATE INDEX http_requests_device ON http_requests(device_id, started_at_ms);
