-- Notices within bounds (security review, issue 25): mail only to confirmed addresses and at most so much a day,
-- at most so many routine notices per person an hour, security notices ahead of routine ones, each webhook sent to
-- on its own with a circuit breaker, and the per-token networks capped.

-- Whether an account's address was confirmed by a link mailed to it. One row per account, about one address: a row
-- whose email is not the account's current one confirms nothing, so changing the address undoes the confirmation.
-- The link's secret is kept only as its SHA-256 digest; it works once, until link_expires_at.
-- (Apart from app_user so that confirming does not wake every replica's change feed.)
create table email_confirmation (
    user_id         uuid         primary key references app_user (id) on delete cascade,
    email           varchar(254) not null,
    confirmed_at    timestamptz,
    link_digest     bytea,
    link_expires_at timestamptz,
    link_sent_at    timestamptz,
    check ((link_digest is null) = (link_expires_at is null))
);
create unique index email_confirmation_link on email_confirmation (link_digest) where link_digest is not null;
-- addresses set before this version were never confirmed: they get no mail until their owner confirms them

-- Counters shared by every replica: how much of something (mail to a recipient, routine notices of an account) was
-- used in the window that began at window_start. A window starts at the first use after the previous one ended.
create table send_limit (
    bucket       varchar(64)  not null,
    key          varchar(320) not null,
    window_start timestamptz  not null,
    used         int          not null,
    primary key (bucket, key)
);

-- Counts n more uses of (bucket, key) in a window of window_secs; the uses in the window so far, this one included,
-- and the seconds until the window ends. One statement, so two replicas counting at once both count.
create function patgate_count_use(p_bucket text, p_key text, p_n int, p_window_secs float8)
    returns table (used int, resets_in int) language sql as $$
    insert into send_limit as l (bucket, key, window_start, used) values (p_bucket, p_key, now(), p_n)
    on conflict (bucket, key) do update set
        window_start = case when l.window_start <= now() - make_interval(secs => p_window_secs) then now() else l.window_start end,
        used = case when l.window_start <= now() - make_interval(secs => p_window_secs) then p_n else l.used + p_n end
    returning l.used, greatest(0, ceil(extract(epoch from l.window_start + make_interval(secs => p_window_secs) - now())))::int
$$;

-- Security notices (a leak report, a revocation by an admin or after a leak) go first: fan-out and delivery take
-- higher priorities before lower ones, whatever is queued.
alter table notice add column priority smallint not null default 0;
alter table delivery add column priority smallint not null default 0;
drop index notice_undispatched;
create index notice_undispatched on notice (priority desc, at) where dispatched_at is null;
drop index delivery_due;
create index delivery_due on delivery (webhook_id, priority desc, next_attempt_at) where state = 'pending';
create index delivery_mail_due on delivery (priority desc, next_attempt_at) where state = 'pending' and webhook_id is null;
create index notice_of_token on notice (token_id);

-- Each webhook's circuit breaker: after patgate.webhooks.breaker-failures failures in a row it opens until
-- breaker_open_until; its deliveries wait meanwhile, then one is tried, and a success closes it.
alter table webhook add column consecutive_failures int not null default 0;
alter table webhook add column breaker_open_until timestamptz;

-- The networks of a token, at most patgate.notices.max-networks-per-token of them: the ones seen longest ago go first.
alter table token_network add column last_seen timestamptz;
update token_network set last_seen = first_seen;
alter table token_network alter column last_seen set not null;
create index token_network_age on token_network (token_id, last_seen);
