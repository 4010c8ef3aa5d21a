-- A new signing key is published (in the JWKS) before it signs, for longer than verifiers cache the key
-- set, so none of them ever sees a token signed by a key it does not know yet. signs_from is when a key
-- starts signing; the key it replaces is retired at that same instant.
alter table signing_key add column signs_from timestamptz;
update signing_key set signs_from = created_at;
alter table signing_key alter column signs_from set not null;
