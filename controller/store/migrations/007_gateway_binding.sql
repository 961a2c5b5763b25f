-- A gateway's WireGuard key and endpoint are bound when it enrolls (docs/security.md): a join
-- token may carry the endpoint the admin allows its gateway to announce. The gateways table
-- already holds public_key and endpoint; from now on they are the bound values, set at
-- enrollment, and a Sync Hello must match them. A gateway enrolled before this migration
-- keeps what it last announced as bound; one that never said Hello binds at its first Hello.
ALTER TABLE join_tokens ADD COLUMN endpoint TEXT NOT NULL DEFAULT '';
