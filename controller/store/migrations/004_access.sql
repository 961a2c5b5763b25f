-- Just-in-time access requests (controller/access/): a user asks for a requestable grant's
-- resource for a while; an approver approves (setting expires_at_ms) or denies; an approved
-- request ends by expiry or revocation. Rows are never deleted: they are the request history.
CREATE TABLE access_requests (
  id               TEXT PRIMARY KEY,
  user_name        TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  grant_name       TEXT NOT NULL,
  resource         TEXT NOT NULL,
  reason           TEXT NOT NULL,
  duration_ms      INTEGER NOT NULL CHECK (duration_ms > 0),
  state            TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'revoked', 'expired')),
  created_at_ms    INTEGER NOT NULL,
  decided_by       TEXT NOT NULL DEFAULT '',
  decided_at_ms    INTEGER NOT NULL DEFAULT 0,
  decision_reason  TEXT NOT NULL DEFAULT '',
  -- Set on approval: when the access ends.
  expires_at_ms    INTEGER NOT NULL DEFAULT 0,
  ended_by         TEXT NOT NULL DEFAULT '',
  ended_at_ms      INTEGER NOT NULL DEFAULT 0,
  end_reason       TEXT NOT NULL DEFAULT ''
) STRICT;
-- A user's requests (their approvals feed every evaluation of their sessions).
CREATE INDEX access_requests_user ON access_requests(user_name, state, expires_at_ms);
-- The next approval to expire, and the pending queue.
CREATE INDEX access_requests_state ON access_requests(state, expires_at_ms);
