-- Service accounts: accounts no person signs in as. They share app_user (and so the namespace of usernames, the
-- change feed that carries accounts to every replica, and the token machinery keyed by user_id) and are told apart
-- by kind. Their tokens belong to them, so a pipeline survives whoever made it leaving.

alter table app_user add column kind varchar(16) not null default 'person';
alter table app_user add constraint app_user_kind check (kind in ('person', 'service'));
-- what a service account is for (people have none)
alter table app_user add column description varchar(256);
create index app_user_service on app_user (created_at, id) where kind = 'service' and deleted_at is null;

-- The people who may manage a service account's tokens and trust. Rows go when the person is deleted; the account
-- and its tokens stay.
create table service_account_manager (
    id         uuid        primary key,
    account_id uuid        not null references app_user (id),
    manager_id uuid        not null references app_user (id),
    added_at   timestamptz not null
);
create unique index service_account_manager_pair on service_account_manager (account_id, manager_id);
create index service_account_manager_of on service_account_manager (manager_id);

-- Which signed identities (an OIDC issuer's JWTs: a Kubernetes projected service-account token, a CI job's ID token)
-- may act as a service account through the token exchange. Every replica holds the live entries in memory, carried
-- by the change feed like accounts; a removal is a stamped update (removed_at), never a DELETE, so the feed sees it.
create table service_account_trust (
    id              uuid          primary key,
    account_id      uuid          not null references app_user (id),
    issuer          varchar(2048) not null,
    audience        varchar(512)  not null,
    -- a pattern (exact, or with * for any run of characters); null: any subject, when claims bind the identity
    subject         varchar(512),
    -- a JSON object: claim name -> pattern, every one of which must match
    claims          text          not null default '{}',
    max_ttl_seconds int           not null check (max_ttl_seconds between 60 and 3600),
    -- the issuer's public keys as a JWKS document, for an issuer whose discovery cannot be reached; null: discovery
    jwks            text,
    created_at      timestamptz   not null,
    created_by      varchar(128)  not null,
    removed_at      timestamptz,
    row_version     bigint        not null default 0,
    change_xid      xid8          not null default pg_current_xact_id()
);
create index service_account_trust_of on service_account_trust (account_id, created_at) where removed_at is null;
create index service_account_trust_change_xid on service_account_trust (change_xid);

create trigger service_account_trust_change before insert or update on service_account_trust
    for each row execute function patgate_stamp_change();
create trigger service_account_trust_row_version before update on service_account_trust
    for each row execute function patgate_bump_row_version();
