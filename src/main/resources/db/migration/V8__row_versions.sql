-- Every change to a token or an account carries a version that only grows, so a replica can tell an older
-- copy of a row from a newer one whichever arrives last: a change-feed round that read a row just before
-- this replica's own write committed must not put the older copy back over it (a revocation undone for a
-- few milliseconds is a revocation undone). Hibernate raises the version itself (@Version); any other
-- update (a script, an operator's SQL) gets it raised here.
alter table access_token add column row_version bigint not null default 0;
alter table app_user     add column row_version bigint not null default 0;

create function patgate_bump_row_version() returns trigger language plpgsql as $$
begin
    if new.row_version = old.row_version then
        new.row_version := old.row_version + 1;
    end if;
    return new;
end
$$;

create trigger access_token_row_version before update on access_token for each row execute function patgate_bump_row_version();
create trigger app_user_row_version     before update on app_user     for each row execute function patgate_bump_row_version();
