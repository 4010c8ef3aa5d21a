#!/usr/bin/env bash
# Propagation per region, and a region whose standby stops, on one machine (bench/Regions.java does the measuring).
#
#   bench/regions.sh                       # 300 revocations, bound 10 s, far standby 500 ms behind
#   REVOCATIONS=50 DELAY=1s bench/regions.sh
#
# A private PostgreSQL primary (wal_level=logical) and two hot standbys made as cold copies of its data directory
# (standby.signal, streaming from it): A, the near region's, replays at once; B, the far region's, with
# recovery_min_apply_delay=$DELAY. Two replicas of the packaged service per region, each with read-url on its region's
# standby and the primary for writes and the change feed. REVOCATIONS tokens are revoked through near-1, and every
# replica is polled until it refuses each one. Then standby B is stopped (SIGSTOP, all its processes): the far
# replicas must answer 503 state-stale within the bound and never accept a token revoked more than the bound ago;
# then SIGCONT and their recovery. Exits non-zero when one did. Run it in a network namespace of its own if other
# things on the machine use ports 55501-55503 or 18181-18184 (and 19181-19184, their management ports).
set -euo pipefail

REVOCATIONS=${REVOCATIONS:-300}
LATE=${LATE:-20}                    # tokens revoked through the near region while B is stopped
BOUND=${BOUND:-10}                  # patgate.state.max-staleness, seconds
DELAY=${DELAY:-500ms}               # standby B's recovery_min_apply_delay
PG_PORT=${PG_PORT:-55501}
A_PORT=$((PG_PORT + 1))
B_PORT=$((PG_PORT + 2))
HTTP_PORT=${HTTP_PORT:-18181}       # near-1, near-2, far-1, far-2 on this and the next three

cd "$(dirname "$0")/.."
. bench/lib.sh
ensure_tools
BIN=/usr/lib/postgresql/15/bin
[ -x $BIN/postgres ] || BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/patgate-regions.XXXX)
chown postgres "$DIR"

pg() { su postgres -c "$BIN/pg_ctl -D $DIR/$1 $2" >/dev/null; }
postmaster() { head -1 "$DIR/$1/postmaster.pid" 2>/dev/null || true; }
# a stopped standby cannot be stopped: continue B (all its processes) first
continue_b() {
  local pm
  pm=$(postmaster standby-b)
  [ -n "$pm" ] && kill -CONT "$pm" $(ps -o pid= --ppid "$pm") 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM
  stop_all_services
  continue_b
  for d in standby-b standby-a primary; do
    [ -f "$DIR/$d/postmaster.pid" ] && pg "$d" "-m immediate -w stop" 2>/dev/null || true
  done
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the primary: logical decoding for the replicas' doorbells, senders and slots for 4 replicas and 2 standbys
su postgres -c "$BIN/initdb -A trust -D $DIR/primary" >/dev/null
cat >> "$DIR/primary/postgresql.conf" <<CONF
listen_addresses = 'localhost'
unix_socket_directories = '$DIR'
wal_level = logical
max_wal_senders = 16
max_replication_slots = 16
max_connections = 200
wal_keep_size = 1GB
hot_standby = on
CONF
start_pg() { pg "$1" "-l $DIR/$1.log -w -t 120 -o '-p $2' start"; }
start_pg primary "$PG_PORT"
sql() { su postgres -c "psql -h $DIR -p $PG_PORT -X -q -t -A -c \"$1\""; }
sql "create role patgate_bench login replication password 'bench'"
sql "create database patgate owner patgate_bench"

# the standbys: cold copies of the stopped primary's data directory
pg primary "-m fast -w stop"
for s in a b; do
  cp -a "$DIR/primary" "$DIR/standby-$s"
  touch "$DIR/standby-$s/standby.signal"
  echo "primary_conninfo = 'host=localhost port=$PG_PORT user=postgres application_name=standby_$s'" >> "$DIR/standby-$s/postgresql.auto.conf"
done
echo "recovery_min_apply_delay = '$DELAY'" >> "$DIR/standby-b/postgresql.auto.conf"
start_pg primary "$PG_PORT"
start_pg standby-a "$A_PORT"
start_pg standby-b "$B_PORT"
echo "primary :$PG_PORT, standby A :$A_PORT (near, no delay), standby B :$B_PORT (far, recovery_min_apply_delay $DELAY)"

export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:$PG_PORT/patgate
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$PG_PORT/patgate
export QUARKUS_DATASOURCE_USERNAME=patgate_bench
export QUARKUS_DATASOURCE_PASSWORD=bench
export PATGATE_KEYS_ENCRYPTION_SECRET=bench-only-secret-0123456789abcdef0123
export PATGATE_ADMIN_PASSWORD=bench-admin-password
export PATGATE_STATE_MAX_STALENESS=${BOUND}S
ensure_jar

replicas=()
port=$HTTP_PORT
for region in near far; do
  standby_port=$([ $region = near ] && echo "$A_PORT" || echo "$B_PORT")
  for n in 1 2; do
    # the first start migrates the schema; the others find it done
    PATGATE_DATASOURCE_READ_URL=postgresql://localhost:$standby_port/patgate start_service "regions-$region-$n" "$port"
    echo "$region-$n ready on :$port after $READY_MS ms (reads: standby $([ $region = near ] && echo A || echo B))"
    replicas+=("$region-$n=http://localhost:$port")
    port=$((port + 1))
  done
done

echo "$(date -u '+%F %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), PostgreSQL $($BIN/postgres -V | awk '{print $3}'), $("$PATGATE_JAVA" -version 2>&1 | head -1)" | tee "$OUT/regions.txt"
set +e
"$PATGATE_JAVA" bench/Regions.java "$PATGATE_ADMIN_PASSWORD" "$REVOCATIONS" "$LATE" "$((BOUND * 1000))" \
  "$(postmaster standby-b)" "${replicas[@]}" | tee -a "$OUT/regions.txt"
status=${PIPESTATUS[0]}
set -e
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/regions.txt"
exit "$status"
