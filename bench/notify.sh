#!/usr/bin/env bash
# What NOTIFY costs a committing write, against the same write without it (the change feed before and after V18).
#
#   bench/notify.sh                   # 8 clients, 15 s per variant
#   CLIENTS=16 SECONDS_EACH=30 bench/notify.sh
#
# A private PostgreSQL (Debian's, as the other benchmarks use) with fsync and synchronous_commit on, as in production,
# and wal_level=logical. One table, the V10 trigger (stamp change_xid and pg_notify) against the V18 one (stamp only);
# each client updates its own rows, so the only contention left is what the trigger adds. Prints commits/s of each and
# their ratio, measured in the same run.
set -euo pipefail
CLIENTS=${CLIENTS:-8}
SECONDS_EACH=${SECONDS_EACH:-15}
PORT=${PORT:-55490}
cd "$(dirname "$0")/.."
. bench/lib.sh
ensure_tools
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/patgate-notify.XXXX)
chown postgres "$DIR"
trap 'su postgres -c "$BIN/pg_ctl -D $DIR/data -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
su postgres -c "$BIN/initdb -A trust -D $DIR/data" >/dev/null
su postgres -c "$BIN/pg_ctl -D $DIR/data -l $DIR/log -w -o '-p $PORT -k $DIR -c wal_level=logical -c fsync=on -c synchronous_commit=on -c max_connections=100' start" >/dev/null
sql() { su postgres -c "psql -h $DIR -p $PORT -X -q -t -A -c \"$1\""; }
sql "create table t (id int primary key, v int not null default 0, change_xid xid8)"
sql "insert into t (id) select generate_series(1, 1000)"
sql "create function stamp_notify() returns trigger language plpgsql as \\\$\\\$ begin new.change_xid := pg_current_xact_id(); perform pg_notify('patgate_changes', tg_table_name || ' ' || extract(epoch from transaction_timestamp())::text); return new; end \\\$\\\$"
sql "create function stamp_only() returns trigger language plpgsql as \\\$\\\$ begin new.change_xid := pg_current_xact_id(); return new; end \\\$\\\$"
sql "create publication patgate_feed for table t with (publish = 'insert, update')"
cat > "$DIR/update.sql" <<'SQL'
\set id random(1, 1000)
update t set v = v + 1 where id = :id;
SQL
chmod a+r "$DIR/update.sql"
run() {
  sql "drop trigger if exists stamp on t"
  sql "create trigger stamp before update on t for each row execute function $1()"
  su postgres -c "pgbench -h $DIR -p $PORT -n -c $CLIENTS -j 2 -T $SECONDS_EACH -f $DIR/update.sql postgres" | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
# a LISTEN-er, as the replicas were: without one, NOTIFY queues nothing but still takes its lock
su postgres -c "psql -h $DIR -p $PORT -X -q -c 'listen patgate_changes' -c 'select pg_sleep(100000)'" >/dev/null 2>&1 &
LISTENER=$!
sleep 1
notify=$(run stamp_notify)
plain=$(run stamp_only)
notify2=$(run stamp_notify)
kill $LISTENER 2>/dev/null || true
printf 'clients %s, %s s each\nwith pg_notify (V10):    %s commits/s (and %s, run again after the other)\nstamp only (V18):        %s commits/s\nratio V18/V10:           %s\n' \
  "$CLIENTS" "$SECONDS_EACH" "$notify" "$notify2" "$plain" "$(echo "scale=2; $plain / (($notify + $notify2) / 2)" | bc)" | tee "$OUT/notify.txt"
