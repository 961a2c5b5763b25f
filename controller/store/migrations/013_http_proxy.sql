-- HTTP resources behind the gateways' identity-aware proxy.
--
-- Each gateway gets one overlay address of its own (its proxy listens there), assigned from
-- the top of the overlay pool downward and never handed to a session. '' = not assigned yet
-- (a gateway enrolled before this migration gets one at its next Hello). The partial unique
-- index makes "is this address a gateway's?" one index lookup when sessions get addresses.
ALTER TABLE gateways ADD COLUMN service_address TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX gateways_service_address ON gateways(service_address) WHERE service_address <> '';

-- The subject's groups at the last decision: the gateway puts them in the identity assertion.
ALTER TABLE sessions ADD COLUMN groups_json TEXT NOT NULL DEFAULT '[]';

-- ES256 keys that sign identity assertions (one current key per gateway) and the
-- controller's own sign-in tickets (owner 'controller'). The private half is sealed with the
-- master key; a retired key stays published in the JWKS until it is deleted.
CREATE TABLE assertion_keys (
  kid             TEXT PRIMARY KEY,          -- RFC 7638 thumbprint of the public JWK
  owner           TEXT NOT NULL,             -- 'gateway:NAME' or 'controller'
  public_jwk      TEXT NOT NULL,             -- JSON: kty, crv, x, y
  private_sealed  BLOB NOT NULL,             -- PKCS#8 PEM, sealed (purpose "assertion-key:KID")
  created_at_ms   INTEGER NOT NULL,
  retired_at_ms   INTEGER                    -- NULL: the owner's current key
) STRICT;
CREATE UNIQUE INDEX assertion_keys_current ON assertion_keys(owner) WHERE retired_at_ms IS NULL;
