-- Change notifications carry when the transaction that made the change began (seconds since the epoch), so
-- each replica can measure how long a change takes to reach its memory (patgate_feed_lag_seconds). The time
-- is the same for every row of a transaction, so identical payloads still fold into one notification per
-- table and transaction.
create or replace function patgate_stamp_change() returns trigger language plpgsql as $$
begin
    new.change_xid := pg_current_xact_id();
    perform pg_notify('patgate_changes', tg_table_name || ' ' || extract(epoch from transaction_timestamp())::text);
    return new;
end
$$;

-- Last-used bookkeeping and descriptions change nothing the check reads: no stamp, no notification.
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
    perform pg_notify('patgate_changes', tg_table_name || ' ' || extract(epoch from transaction_timestamp())::text);
    return new;
end
$$;
