-- Where an account comes from, and the keys that tie it to the organisation's identity provider.
--   origin 'local': made in patgate (the first admin, POST /api/v1/users), signs in with a password;
--   origin 'sso':   made by the first sign-in through the OpenID provider;
--   origin 'scim':  provisioned by the provider's SCIM client (it may later sign in through OIDC and is linked then).
-- An SSO or SCIM account has no usable password (password_hash holds a marker no PHC string matches).
alter table app_user add column origin varchar(8) not null default 'local';
alter table app_user add constraint app_user_origin check (origin in ('local', 'sso', 'scim'));

-- The OpenID identity an account is linked to: issuer + sub, set on the first OIDC sign-in (or when SCIM's externalId
-- names the sub). One live account per identity.
alter table app_user add column idp_issuer  varchar(2048);
alter table app_user add column idp_subject varchar(255);
create unique index app_user_idp on app_user (idp_issuer, idp_subject)
    where idp_subject is not null and deleted_at is null;

-- SCIM's externalId: the provider's own id for the person (Okta's and Entra ID's object id, or the OIDC sub).
alter table app_user add column scim_external_id varchar(255);
create index app_user_scim_external on app_user (scim_external_id) where scim_external_id is not null and deleted_at is null;
