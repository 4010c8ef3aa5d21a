-- The audit log: who did what to which account or token, from where. Append-only.
create table audit_event (
    id        uuid         primary key,
    at        timestamptz  not null,
    actor     varchar(128) not null,
    action    varchar(64)  not null,
    user_id   uuid,
    username  varchar(64),
    token_id  uuid,
    ip        varchar(64),
    detail    text         not null default ''
);
create index audit_event_at    on audit_event (at desc, id desc);
create index audit_event_user  on audit_event (user_id, at desc);
create index audit_event_token on audit_event (token_id, at desc);

-- Never changed; deleted only by the retention job, which says so for its own transaction.
create function patgate_audit_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' and coalesce(current_setting('patgate.audit_prune', true), '') = 'on' then
        return old;
    end if;
    raise exception 'audit events are append-only';
end
$$;
create trigger audit_event_append_only before update or delete on audit_event
    for each row execute function patgate_audit_append_only();

-- When the current value of a token was issued (creation or last regeneration): the iat of introspection.
alter table access_token add column issued_at timestamptz;
update access_token set issued_at = created_at;
alter table access_token alter column issued_at set not null;
