-- Single sign-on (controller/sso): which Wicket user each identity-provider subject is,
-- with the groups the provider gave at that subject's last login, and how each certificate
-- issued through SSO was authenticated (provider, subject, whether MFA happened), so that
-- session decisions use the IdP groups and MFA of the certificate a session runs on.

CREATE TABLE sso_identities (
  provider       TEXT NOT NULL,                -- the provider's configured name
  subject        TEXT NOT NULL,                -- the ID token's `sub`
  user_name      TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  groups_json    TEXT NOT NULL DEFAULT '[]',   -- JSON array of the provider's group names
  last_login_ms  INTEGER NOT NULL,
  PRIMARY KEY (provider, subject)
) STRICT;
CREATE UNIQUE INDEX sso_identities_user ON sso_identities(user_name, provider);

CREATE TABLE sso_certificates (
  serial    TEXT PRIMARY KEY,                  -- certificates.serial (written just before it, same transaction)
  provider  TEXT NOT NULL,
  subject   TEXT NOT NULL,
  mfa       INTEGER NOT NULL CHECK (mfa IN (0, 1))
) STRICT;
