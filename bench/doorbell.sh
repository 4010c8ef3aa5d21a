#!/usr/bin/env bash
# How soon a commit rings a replica's doorbell: NOTIFY/LISTEN (before V18) against a temporary pgoutput slot (since),
# rung by the same commits in the same run (bench/Doorbell.java). The round that follows a ring is the same either way.
#
#   bench/doorbell.sh                 # 300 commits
#   COMMITS=1000 bench/doorbell.sh
set -euo pipefail
COMMITS=${COMMITS:-300}
PORT=${PORT:-55491}
cd "$(dirname "$0")/.."
. bench/lib.sh
ensure_tools
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/patgate-doorbell.XXXX)
chown postgres "$DIR"
trap 'su postgres -c "$BIN/pg_ctl -D $DIR/data -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
su postgres -c "$BIN/initdb -A trust -D $DIR/data" >/dev/null
su postgres -c "$BIN/pg_ctl -D $DIR/data -l $DIR/log -w -o '-p $PORT -k $DIR -c wal_level=logical -c fsync=on -c synchronous_commit=on' start" >/dev/null
sql() { su postgres -c "psql -h $DIR -p $PORT -X -q -t -A -c \"$1\""; }
sql "create table t (id int primary key, v int not null default 0, change_xid xid8)"
sql "insert into t (id) select generate_series(1, 100)"
sql "create function stamp_notify() returns trigger language plpgsql as \\\$\\\$ begin new.change_xid := pg_current_xact_id(); perform pg_notify('patgate_changes', tg_table_name); return new; end \\\$\\\$"
sql "create trigger stamp before update on t for each row execute function stamp_notify()"
sql "create publication patgate_feed for table t with (publish = 'insert, update')"
PGJDBC=$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar | grep -v sources | sort -V | tail -1)
java -cp "$PGJDBC" bench/Doorbell.java "jdbc:postgresql://localhost:$PORT/postgres" postgres "$COMMITS" | tee "$OUT/doorbell.txt"
