-- Requests through the gateways' identity-aware proxies (TelemetryBatch.http_requests),
-- allowed or refused, stored with the other records of their batch and pruned with the flows
-- (controller/telemetry/telemetry-store.ts). A request names its user and device itself: a
-- browser on the public listener has no session to join through (ingest replaces them with
-- the session's for requests that name one, so a gateway cannot blame another user).
--
-- Like flows (006_telemetry_indexes.sql), one index only, on start time: it serves the
-- newest-first listing, whose session, user and device filters are tested while walking it,
-- and age retention (row retention goes by id). An index per filter would cost every
-- ingested request a random insert into a text-keyed B-tree, several times the cost of
-- the row itself, and requests are the most numerous records a gateway sends.
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
