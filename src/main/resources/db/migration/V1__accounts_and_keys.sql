-- Accounts, signing keys and session revocations: the foundation every later table refers to.

create table app_user (
    id            uuid         primary key,
    username      varchar(64)  not null,
    password_hash varchar(255) not null,
    roles         text[]       not null default '{}',
    disabled      boolean      not null default false,
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null
);
-- usernames are unique regardless of case: "Alice" and "alice" are one person
create unique index app_user_username_key on app_user (lower(username));

-- JWT signing keys. The private key is AES-256-GCM encrypted under patgate.keys.encryption-secret,
-- so a dump of this table cannot sign anything. Several rows may verify; exactly one signs.
create table signing_key (
    kid              varchar(64)  primary key,
    algorithm        varchar(16)  not null,
    public_jwk       text         not null,
    private_key_enc  bytea        not null,
    created_at       timestamptz  not null,
    active           boolean      not null,
    retired_at       timestamptz
);
create unique index signing_key_one_active on signing_key ((true)) where active;

-- Session JWTs that were logged out before they expired. Rows are pruned once the JWT expires.
create table session_revocation (
    jti        uuid        primary key,
    user_id    uuid        not null,
    expires_at timestamptz not null,
    revoked_at timestamptz not null
);
create index session_revocation_expires_at on session_revocation (expires_at);
