-- Core tables of the controller: users and their login state, devices, issued certificates,
-- gateways and their join tokens, policy versions, the hash-chained audit log, settings.
-- Times are milliseconds since the Unix epoch. Secrets are stored sealed (AES-256-GCM with
-- the master key, see controller/crypto/masterkey.ts) or hashed, never in clear.

CREATE TABLE users (
  name            TEXT PRIMARY KEY,
  password_hash   TEXT,                      -- scrypt encoding; NULL = no password login
  totp_sealed     BLOB NOT NULL,             -- sealed base32 TOTP secret
  admin           INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
  disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at_ms   INTEGER NOT NULL
) STRICT;

-- Directory groups (as given by `wicketctl user add --group`).
CREATE TABLE user_groups (
  user_name  TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  group_name TEXT NOT NULL,
  PRIMARY KEY (user_name, group_name)
) STRICT, WITHOUT ROWID;

-- TOTP replay guard: the time steps already accepted per user (pruned as they age out).
CREATE TABLE totp_used (
  user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  step      INTEGER NOT NULL,
  PRIMARY KEY (user_name, step)
) STRICT, WITHOUT ROWID;

-- Consecutive login failures and the resulting lockout, per user.
CREATE TABLE login_failures (
  user_name        TEXT PRIMARY KEY REFERENCES users(name) ON DELETE CASCADE,
  failures         INTEGER NOT NULL,
  last_failure_ms  INTEGER NOT NULL,
  locked_until_ms  INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
  id             TEXT PRIMARY KEY,           -- 32 hex: SHA-256(SPKI DER)[0:16]
  user_name      TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  blocked        INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  blocked_reason TEXT NOT NULL DEFAULT '',
  first_seen_ms  INTEGER NOT NULL,
  last_seen_ms   INTEGER NOT NULL,
  posture_json   TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX devices_user ON devices(user_name);

-- Every certificate the CA issued, for revocation (grpc-js has no CRL support).
CREATE TABLE certificates (
  serial        TEXT PRIMARY KEY,            -- hex
  kind          TEXT NOT NULL CHECK (kind IN ('admin', 'gateway', 'user', 'server')),
  subject       TEXT NOT NULL,               -- user, gateway or admin name
  device_id     TEXT NOT NULL DEFAULT '',
  issued_at_ms  INTEGER NOT NULL,
  not_after_ms  INTEGER NOT NULL,
  revoked_at_ms INTEGER
) STRICT;
CREATE INDEX certificates_subject ON certificates(kind, subject);

CREATE TABLE join_tokens (
  token_hash    TEXT PRIMARY KEY,            -- SHA-256 hex of the token; the token itself is never stored
  gateway_name  TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  used_at_ms    INTEGER
) STRICT;

CREATE TABLE gateways (
  name               TEXT PRIMARY KEY,
  cert_serial        TEXT NOT NULL,          -- the only certificate accepted for this gateway
  endpoint           TEXT NOT NULL DEFAULT '',
  public_key         TEXT NOT NULL DEFAULT '',
  enrolled_at_ms     INTEGER NOT NULL,
  desired_version    INTEGER NOT NULL DEFAULT 0,
  applied_version    INTEGER NOT NULL DEFAULT 0,
  last_ack_ms        INTEGER NOT NULL DEFAULT 0,
  last_apply_us      INTEGER NOT NULL DEFAULT 0,
  last_report_ms     INTEGER NOT NULL DEFAULT 0,
  connected          INTEGER NOT NULL DEFAULT 0 CHECK (connected IN (0, 1)),
  connected_since_ms INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE policies (
  version       INTEGER PRIMARY KEY AUTOINCREMENT,
  yaml          TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  author        TEXT NOT NULL,
  applied_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE audit (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms        INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  target       TEXT NOT NULL,
  details_json TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
) STRICT;
CREATE INDEX audit_action ON audit(action);

-- Append-only: the application never changes a record. (Someone with the file can still
-- drop these triggers; the hash chain is what detects that.)
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT;
