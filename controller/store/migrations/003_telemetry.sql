-- Gateway telemetry (controller/store/telemetry.ts): batches received (for idempotence by
-- gateway + seq), flows, denied attempts, latest WireGuard figures per session and latest
-- allow-rule counters. Retention (by age and row count) prunes them periodically.

CREATE TABLE telemetry_batches (
  gateway          TEXT NOT NULL,
  seq              INTEGER NOT NULL,
  collected_at_ms  INTEGER NOT NULL,
  received_at_ms   INTEGER NOT NULL,
  records          INTEGER NOT NULL,
  dropped_records  INTEGER NOT NULL,
  PRIMARY KEY (gateway, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX telemetry_batches_received ON telemetry_batches(received_at_ms);

CREATE TABLE flows (
  id             INTEGER PRIMARY KEY,
  gateway        TEXT NOT NULL,
  session_id     TEXT NOT NULL,
  source         TEXT NOT NULL,
  destination    TEXT NOT NULL,
  protocol       TEXT NOT NULL,
  port           INTEGER NOT NULL,
  started_at_ms  INTEGER NOT NULL,
  ended_at_ms    INTEGER NOT NULL,
  bytes_out      INTEGER NOT NULL,
  bytes_in       INTEGER NOT NULL
) STRICT;
CREATE INDEX flows_ended ON flows(ended_at_ms);
CREATE INDEX flows_session ON flows(session_id, ended_at_ms);

-- One row per (gateway, tuple, first seen): a repeated report replaces count and last seen.
CREATE TABLE denied_attempts (
  id             INTEGER PRIMARY KEY,
  gateway        TEXT NOT NULL,
  session_id     TEXT NOT NULL,
  source         TEXT NOT NULL,
  destination    TEXT NOT NULL,
  protocol       TEXT NOT NULL,
  port           INTEGER NOT NULL,
  count          INTEGER NOT NULL,
  first_seen_ms  INTEGER NOT NULL,
  last_seen_ms   INTEGER NOT NULL,
  UNIQUE (gateway, source, destination, protocol, port, first_seen_ms)
) STRICT;
CREATE INDEX denied_last_seen ON denied_attempts(last_seen_ms);
CREATE INDEX denied_session ON denied_attempts(session_id, last_seen_ms);

CREATE TABLE peer_stats (
  session_id         TEXT NOT NULL,
  gateway            TEXT NOT NULL,
  endpoint           TEXT NOT NULL,
  last_handshake_ms  INTEGER NOT NULL,
  rx_bytes           INTEGER NOT NULL,
  tx_bytes           INTEGER NOT NULL,
  updated_at_ms      INTEGER NOT NULL,
  PRIMARY KEY (session_id, gateway)
) STRICT, WITHOUT ROWID;
CREATE INDEX peer_stats_updated ON peer_stats(updated_at_ms);

CREATE TABLE rule_counters (
  gateway        TEXT NOT NULL,
  session_id     TEXT NOT NULL,
  destination    TEXT NOT NULL,
  protocol       TEXT NOT NULL,
  port_from      INTEGER NOT NULL,
  port_to        INTEGER NOT NULL,
  packets        INTEGER NOT NULL,
  bytes          INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (gateway, session_id, destination, protocol, port_from, port_to)
) STRICT, WITHOUT ROWID;
CREATE INDEX rule_counters_updated ON rule_counters(updated_at_ms);
