-- Notices: what happened to a token, told to webhooks and to its owner by email.
--
-- notice is the outbox. A change that causes a notice (a revocation, a leak report) inserts its row in the
-- change's own transaction, so no notice is lost and none is told of a change that was rolled back. Time-based
-- notices (expiring, expired, retired) are written by whichever replica holds the scan's advisory lock, and the
-- unique mark below makes a second write of the same notice impossible anyway.

alter table app_user add column email varchar(254);
-- which notices the owner wants by email (when an address and an SMTP server are configured)
alter table app_user add column email_notices text[] not null default '{expiring,new-address,revoked}';

create table webhook (
    id          uuid          primary key,
    url         varchar(2048) not null,
    -- the HMAC secret, AES-256-GCM encrypted under patgate.keys.encryption-secret; never shown again
    secret_enc  bytea         not null,
    events      text[]        not null,
    active      boolean       not null,
    created_at  timestamptz   not null,
    updated_at  timestamptz   not null,
    row_version bigint        not null default 0
);

create table notice (
    id            uuid         primary key,
    event         varchar(64)  not null,
    at            timestamptz  not null,
    token_id      uuid         not null,
    user_id       uuid         not null,
    -- the event's own facts, a JSON object
    detail        text         not null default '{}',
    -- for notices that must happen once per fact: which fact (a threshold, a network) and what it was measured
    -- against (the expiry, the last use), so a regenerated or newly used token is told again
    mark          varchar(96),
    basis         timestamptz,
    -- the delivery body, written once when the notice is fanned out, so every attempt sends the same bytes
    body          text,
    dispatched_at timestamptz
);
create unique index notice_once on notice (token_id, event, mark, basis) where mark is not null;
create index notice_undispatched on notice (at) where dispatched_at is null;
create index notice_at on notice (at);

create table delivery (
    id              uuid          primary key,
    notice_id       uuid          not null references notice (id) on delete cascade,
    -- a webhook delivery, or an email to recipient
    webhook_id      uuid          references webhook (id) on delete cascade,
    recipient       varchar(254),
    state           varchar(16)   not null,
    attempts        int           not null default 0,
    -- when it is due; a replica that takes it moves this past its send timeout, so a replica that died
    -- mid-send gives it back this way
    next_attempt_at timestamptz,
    response_code   int,
    duration_ms     int,
    error           varchar(512),
    created_at      timestamptz   not null,
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    redelivery_of   uuid,
    check (state in ('pending', 'delivered', 'failed')),
    check ((webhook_id is null) <> (recipient is null))
);
create index delivery_due on delivery (next_attempt_at) where state = 'pending';
create index delivery_of_hook on delivery (webhook_id, created_at desc);
create index delivery_of_notice on delivery (notice_id);

-- the networks (an IPv4 address, an IPv6 /64) each token has been used from: a first use from a network not in
-- here is a new address
create table token_network (
    token_id   uuid        not null references access_token (id),
    network    varchar(64) not null,
    first_seen timestamptz not null,
    primary key (token_id, network)
);

-- the network of a client address: an IPv4 address itself, an IPv6 address's /64 (one client usually holds a whole /64)
create function patgate_network(address text) returns text language sql immutable strict as $$
    select case when family(address::inet) = 6 then network(set_masklen(address::inet, 64))::text else host(address::inet) end
$$;

-- the addresses tokens were used from before this version are their known ones, not new ones
do $$
declare
    r record;
    a text;
begin
    for r in select id, recent_ips from access_token where cardinality(recent_ips) > 0 loop
        foreach a in array r.recent_ips loop
            begin
                insert into token_network (token_id, network, first_seen)
                values (r.id, patgate_network(split_part(a, '|', 1)), coalesce(nullif(split_part(a, '|', 2), '')::timestamptz, now()))
                on conflict do nothing;
            exception when others then
                null; -- an unreadable old entry is no baseline
            end;
        end loop;
    end loop;
end
$$;
