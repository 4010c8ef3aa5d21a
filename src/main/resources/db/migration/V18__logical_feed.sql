-- The change feed without NOTIFY. A NOTIFY takes one cluster-wide lock from pre-commit until after its commit is
-- flushed, so every transaction that notified was serialised with every other one. From here on the triggers only
-- stamp change_xid; each replica hears commits through PostgreSQL's logical replication instead (a temporary pgoutput
-- slot per replica on the publication below, used as a doorbell for the same change_xid rounds as before).

create or replace function patgate_stamp_change() returns trigger language plpgsql as $$
begin
    new.change_xid := pg_current_xact_id();
    return new;
end
$$;

-- Last-used bookkeeping and descriptions change nothing the check reads: no stamp.
create or replace function patgate_stamp_token_change() returns trigger language plpgsql as $$
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
    return new;
end
$$;

-- The freshness proof. About once a second one replica (whichever comes first) writes the primary's clock here.
-- A replica whose state includes a beat written at h has applied every change committed before h, so its
-- staleness is (now - h) whatever database it reads from, a standby that lags or stopped included.
create table patgate_heartbeat (
    id      smallint    primary key check (id = 1),
    beat_at timestamptz not null
);
insert into patgate_heartbeat (id, beat_at) values (1, now());

-- What the replicas' slots decode: inserts and updates of what the check reads, and the heartbeat. Deletes are not
-- published: a round reads rows stamped by change_xid, and a deleted row has nothing to read.
create publication patgate_feed for table app_user, access_token, session_revocation, signing_key, service_account_trust,
    patgate_heartbeat with (publish = 'insert, update');
