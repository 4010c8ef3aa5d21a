-- Single sign-on through the organisation's OpenID provider (account/sso).
--
-- A sign-in under way: what the authorization request sent, kept here rather than in the browser so that every replica
-- can finish it and each state is used once (the row is deleted when the provider's answer comes back). Keyed by the
-- SHA-256 of the `state` value; bound to the browser that started it by the SHA-256 of a random HttpOnly cookie
-- (login CSRF: a state started in another browser is refused). Lives 10 minutes.
create table sso_login (
    state_digest   varchar(64)   primary key,
    browser_digest varchar(64)   not null,
    nonce          varchar(128)  not null,
    code_verifier  varchar(128)  not null,
    return_to      varchar(512)  not null,
    expires_at     timestamptz   not null
);
create index sso_login_expiry on sso_login (expires_at);

-- A finished sign-in waiting for the page to collect its session: the callback redirects to the page with a one-time
-- code in the URL fragment (never the session token, never a query string a log keeps), the page POSTs it and gets
-- the session. Keyed by the code's SHA-256; deleted on use; lives 2 minutes.
create table sso_handoff (
    code_digest varchar(64)  primary key,
    user_id     uuid         not null references app_user (id),
    return_to   varchar(512) not null,
    expires_at  timestamptz  not null
);
create index sso_handoff_expiry on sso_handoff (expires_at);
