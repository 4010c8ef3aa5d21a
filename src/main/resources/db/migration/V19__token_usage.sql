-- When and from where each token was last used, out of the token row (issue 27).
--
-- Before this, every replica updated access_token's last_used_* every flush for every token it saw: the row is
-- wide, last_used_at was in an index (access_token_hot, so no update was HOT), and the row-version trigger (V8)
-- bumped row_version on each of them, so a usage write could make a concurrent edit of the token fail its
-- optimistic check. Here usage has a narrow table of its own, with no trigger (no change_xid, no row_version: it
-- never feeds the replicas' change rounds) and no index but its primary key, so its updates can be HOT (the
-- fillfactor leaves room on each page for the new row versions). A replica writes a token's row only when the
-- last use moved by patgate.tokens.usage-step past what is stored (see TokenUsageWriter), and the statement's
-- condition makes replicas that write the same token at once coalesce: writes are bounded by tokens, not by
-- replicas or requests.
create table token_usage (
    token_id     uuid        primary key references access_token (id) on delete cascade,
    last_used_at timestamptz not null,
    last_used_ip varchar(64) not null,
    -- the last five distinct addresses, newest first, each as "address|ISO-8601 instant" (as recent_ips was)
    recent_ips   text[]      not null default '{}'
) with (fillfactor = 70);

insert into token_usage (token_id, last_used_at, last_used_ip, recent_ips)
select id, last_used_at, coalesce(last_used_ip, ''), recent_ips from access_token where last_used_at is not null;

-- The working set at start is now the tokens ordered by their last use in token_usage (a sort, no index: an index
-- on last_used_at would make every usage write a non-HOT one, which is what this migration is about).
drop index access_token_hot;
alter table access_token drop column last_used_at, drop column last_used_ip, drop column recent_ips;
