-- The working set a replica loads at start (or after a reconnect): the live tokens most recently used first,
-- read in this order straight from the index and cut at patgate.state.max-tokens, however large the table.
create index access_token_hot on access_token (last_used_at desc nulls last, created_at desc) where revoked_at is null;
