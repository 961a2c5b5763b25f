-- Telemetry ingest speed (docs/performance.md): drops the two per-session indexes on flows
-- and denied attempts. No query uses them — the flow and denied-attempt listings filter
-- "session = ? OR no session filter", which SQLite answers by walking the time indexes
-- (flows_ended, denied_last_seen) newest first, and retention deletes by those time indexes
-- and by id — while every ingested row paid for an insert at a random place in a text-keyed
-- B-tree (about 30 % of the store's ingest time, measured).
DROP INDEX flows_session;
DROP INDEX denied_session;
