-- The change feed that keeps every replica's in-memory state current.
-- Each row the per-request check depends on is stamped with the id of the transaction that last changed
-- it (change_xid), and that transaction announces itself on channel patgate_changes when it commits.
-- A replica applies the rows whose change_xid is at or above the oldest transaction still running when it
-- last looked (pg_snapshot_xmin), so a notification that is lost costs at most one resync interval.

alter table app_user           add column change_xid xid8 not null default pg_current_xact_id();
alter table access_token       add column change_xid xid8 not null default pg_current_xact_id();
alter table session_revocation add column change_xid xid8 not null default pg_current_xact_id();
alter table signing_key        add column change_xid xid8 not null default pg_current_xact_id();

create index app_user_change_xid           on app_user (change_xid);
create index access_token_change_xid       on access_token (change_xid);
create index session_revocation_change_xid on session_revocation (change_xid);
create index signing_key_change_xid        on signing_key (change_xid);

create function patgate_stamp_change() returns trigger language plpgsql as $$
begin
    new.change_xid := pg_current_xact_id();
    -- delivered when (and only if) this transaction commits; identical payloads in one transaction fold into one
    perform pg_notify('patgate_changes', tg_table_name);
    return new;
end
$$;

-- Last-used bookkeeping and descriptions change nothing the check reads: no stamp, no notification.
create function patgate_stamp_token_change() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE'
       and new.user_id = old.user_id
       and new.digest = old.digest
       and new.previous_digest is not distinct from old.previous_digest
       and new.previous_valid_until is not distinct from old.previous_valid_until
       and new.scopes = old.scopes
       and new.allowed_cidrs = old.allowed_cidrs
       and new.expires_at is not distinct from old.expires_at
       and new.revoked_at is not distinct from old.revoked_at then
        return new;
    end if;
    new.change_xid := pg_current_xact_id();
    perform pg_notify('patgate_changes', tg_table_name);
    return new;
end
$$;

create trigger app_user_change           before insert or update on app_user           for each row execute function patgate_stamp_change();
create trigger session_revocation_change before insert or update on session_revocation for each row execute function patgate_stamp_change();
create trigger signing_key_change        before insert or update on signing_key        for each row execute function patgate_stamp_change();
create trigger access_token_change       before insert or update on access_token       for each row execute function patgate_stamp_token_change();

-- Merges two lists of "address|instant" (newest first), keeping each address once at its latest time, and
-- the five newest. Replicas write last-used data independently; this keeps what each of them saw.
create function patgate_merge_recent(a text[], b text[]) returns text[] language sql immutable as $$
    select coalesce(array_agg(entry order by seen desc), '{}')
    from (
        select entry, seen from (
            select distinct on (ip) entry, ip, seen
            from (select e as entry, split_part(e, '|', 1) as ip, split_part(e, '|', 2)::timestamptz as seen
                  from unnest(coalesce(a, '{}') || coalesce(b, '{}')) as e) parsed
            order by ip, seen desc
        ) latest
        order by seen desc
        limit 5
    ) kept
$$;
