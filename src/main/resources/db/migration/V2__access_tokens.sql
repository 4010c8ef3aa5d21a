-- Personal access tokens. The token value itself is never stored: only the SHA-256 digest of the
-- current value and, during a regeneration's grace period, of the previous one.

-- Users are kept (marked deleted) so their tokens can still be listed as revoked with reason user-deleted.
alter table app_user add column deleted_at timestamptz;
drop index app_user_username_key;
create unique index app_user_username_key on app_user (lower(username)) where deleted_at is null;

create table access_token (
    id                   uuid          primary key,
    user_id              uuid          not null references app_user (id),
    name                 varchar(64)   not null,
    description          varchar(256),
    scopes               text[]        not null,
    allowed_cidrs        text[]        not null default '{}',
    digest               bytea         not null,
    previous_digest      bytea,
    previous_valid_until timestamptz,
    created_at           timestamptz   not null,
    updated_at           timestamptz   not null,
    expires_at           timestamptz,
    revoked_at           timestamptz,
    revoked_reason       varchar(32),
    last_used_at         timestamptz,
    last_used_ip         varchar(64),
    -- the last five distinct addresses, newest first, each as "address|ISO-8601 instant"
    recent_ips           text[]        not null default '{}'
);
create unique index access_token_digest_key on access_token (digest);
create index access_token_owner_created on access_token (user_id, created_at desc, id);
create index access_token_created on access_token (created_at desc, id);
