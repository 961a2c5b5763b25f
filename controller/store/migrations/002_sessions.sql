-- Sessions: one device's WireGuard key + an overlay address + the entitlements it was granted,
-- and per gateway the sealed preshared key and which sync version carried its latest change.
CREATE TABLE sessions (
  id                TEXT PRIMARY KEY,
  user_name         TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  device_id         TEXT NOT NULL,
  cert_serial       TEXT NOT NULL,
  overlay_address   TEXT NOT NULL,
  wg_public_key     TEXT NOT NULL,
  posture_json      TEXT NOT NULL,
  mfa               INTEGER NOT NULL CHECK (mfa IN (0, 1)),
  created_at_ms     INTEGER NOT NULL,
  -- The session's hard end: the certificate's expiry, capped by the policy.
  expires_at_ms     INTEGER NOT NULL,
  state             TEXT NOT NULL CHECK (state IN ('active', 'revoked', 'expired', 'disconnected')),
  ended_at_ms       INTEGER,
  end_reason        TEXT NOT NULL DEFAULT '',
  -- JSON array of Entitlement objects (controller/policy), as last evaluated.
  entitlements_json TEXT NOT NULL,
  last_heartbeat_ms INTEGER NOT NULL
) STRICT;
-- A live overlay address or WireGuard key is never held twice.
CREATE UNIQUE INDEX sessions_live_address ON sessions(overlay_address) WHERE state = 'active';
CREATE UNIQUE INDEX sessions_live_key ON sessions(wg_public_key) WHERE state = 'active';
CREATE INDEX sessions_active ON sessions(state, expires_at_ms);
CREATE INDEX sessions_user ON sessions(user_name, state);
CREATE INDEX sessions_device ON sessions(device_id, state);

CREATE TABLE session_gateways (
  session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  gateway      TEXT NOT NULL,
  psk_sealed   BLOB NOT NULL,
  -- The sync version that carried this session's latest change to the gateway, and when the
  -- gateway acknowledged a version >= it (NULL while pending).
  version      INTEGER NOT NULL DEFAULT 0,
  acked_at_ms  INTEGER,
  PRIMARY KEY (session_id, gateway)
) STRICT, WITHOUT ROWID;
CREATE INDEX session_gateways_pending ON session_gateways(gateway, acked_at_ms, version);
