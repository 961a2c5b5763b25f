-- Login failures and lockout per (user, source): a source that guesses a user's password
-- is locked out alone, so nobody who knows a user name can keep that user from logging in
-- (login_failures keeps the user-wide count, which only slows attempts down).
CREATE TABLE login_source_failures (
  user_name        TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  source           TEXT NOT NULL,
  failures         INTEGER NOT NULL,
  last_failure_ms  INTEGER NOT NULL,
  locked_until_ms  INTEGER NOT NULL,
  PRIMARY KEY (user_name, source)
) STRICT, WITHOUT ROWID;
CREATE INDEX login_source_failures_by_time ON login_source_failures (last_failure_ms);
