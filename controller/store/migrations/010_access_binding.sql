-- Binds each access request to the content of the grant it was made under (a hash, see
-- controller/access/binding.ts): a policy that changes or replaces the grant ends it. Rows
-- from before have '' and are ended at the next policy apply.
ALTER TABLE access_requests ADD COLUMN grant_binding TEXT NOT NULL DEFAULT '';
