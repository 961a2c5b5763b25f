-- Admin list calls the console pages go through (Admin.ListSessions, Admin.ListFlows): a page
-- of sessions newest first with its total, filtered by user, device or gateway, is an index
-- walk that stops after offset + limit rows, never a scan of every session and a sort
-- (controller/sessions/session-store.test.ts checks the plans).
--
-- Live sessions newest first. This replaces (state, expires_at_ms), which no query orders by:
-- the other lookups of live sessions need only its first column.
CREATE INDEX sessions_state_created ON sessions(state, created_at_ms, id);
DROP INDEX sessions_active;
-- A user's or a device's live sessions newest first: partial indexes hold only live sessions
-- (a session leaves them when it ends). They also answer Connect's lookups and counts of a
-- user's and a device's active sessions, so the two (name, state) indexes go.
CREATE INDEX sessions_live_user ON sessions(user_name, created_at_ms, id) WHERE state = 'active';
CREATE INDEX sessions_live_device ON sessions(device_id, created_at_ms, id) WHERE state = 'active';
DROP INDEX sessions_user;
DROP INDEX sessions_device;
-- Every session (the --all list) newest first, and a user's or a device's; the last two also
-- give the flow and denied-attempt listings the sessions of a user or device to filter on.
-- Flows and denied attempts keep no per-session index (006_telemetry_indexes.sql: ingest
-- would pay for it on every row); their listings walk the time indexes.
CREATE INDEX sessions_created ON sessions(created_at_ms, id);
CREATE INDEX sessions_user_created ON sessions(user_name, created_at_ms, id);
CREATE INDEX sessions_device_created ON sessions(device_id, created_at_ms, id);
