#!/usr/bin/env bash
# What a replica costs as the token table grows: start-up, memory, the hot check, and a cold token's first check.
#
#   bench/scale.sh                         # 10, 10 thousand, 1 million and 10 million tokens
#   SIZES="10 1000000" bench/scale.sh
#
# For each size it seeds the tokens straight into PostgreSQL (one account per thousand tokens, last used at
# times spread over 90 days, as years of use would leave them) in a database of its own, patgate_scale_SIZE,
# kept for the next run (seeding 10 million takes about 20 minutes; KEEP_SEED=0 seeds afresh), starts the
# packaged service with the container image's JVM options (bench/lib.sh), and measures:
#   ready        ms from `java -jar` to /q/health/ready answering 200, median of STARTS (3) starts: it reads the
#                accounts, not the tokens; the working set is read right after, while serving
#   held         tokens in memory once the working set is in (patgate.state.max-tokens, 100,000 by default)
#   heap         heap in use after a full GC
#   hot verify   wrk GET /auth/verify with a token in memory, median req/s of ROUNDS, and its ratio to the
#                same figure with the smallest size of this run
#   cold first   the first check of a token outside the working set: its latency, and the database reads
#                it caused (patgate_token_reads_total); then the reads of the next 100 checks of it (none)
# Needs root or sudo for apt (wrk, postgresql) and a local PostgreSQL cluster it may create a database in.
set -euo pipefail

SIZES=${SIZES:-"10 10000 1000000 10000000"}
ROUNDS=${ROUNDS:-3}
STARTS=${STARTS:-3}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18081}
DB=${DB:-patgate_scale}

cd "$(dirname "$0")/.."
. bench/lib.sh
ensure_tools
fresh_database "${DB}_${SIZES%% *}" keep
ensure_jar
BASE=http://localhost:$PORT
trap stop_all_services EXIT

reads() { curl -s "$(management_url "$PORT")/q/metrics" | awk '/^patgate_token_reads_total/ {printf "%d", $NF}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
heap_mb() {
  jcmd "${PIDS[server]}" GC.run >/dev/null 2>&1 || true
  sleep 1
  curl -s "$(management_url "$PORT")/q/metrics" | awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 {s += $NF} END {printf "%.0f", s / 1048576}'
}
login() { curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$2\"}" | json '["token"]'; }

SUMMARY=""
BASELINE=""
for SIZE in $SIZES; do
  echo "== $SIZE tokens in the database =="
  stop_service server
  # one database per size, so that a rerun keeps each seed
  fresh_database "${DB}_$SIZE" keep
  # a seed of this size from an earlier run (KEEP_SEED=1, the default) is kept: seeding 10 million takes a while
  DBS=${DB}_$SIZE
  BULK=$(psql_as "-d $DBS -c \"select count(*) from access_token where name like 'bulk-%'\"" 2>/dev/null || echo 0)
  if [ "${KEEP_SEED:-1}" = 1 ] && [ "$BULK" = "$((SIZE > 2 ? SIZE - 2 : 0))" ] && [ "$SIZE" -gt 2 ]; then
    echo "keeping the $BULK seeded tokens of an earlier run"
    SEEDED=1
    psql_as "-d $DBS -c \"delete from token_network where token_id in (select id from access_token where name not like 'bulk-%'); delete from access_token where name not like 'bulk-%'; truncate session_revocation; delete from app_user where username in ('bench')\"" >/dev/null
  else
    SEEDED=0
    psql_as "-d $DBS -c \"truncate access_token, session_revocation cascade; delete from app_user where username <> 'admin'\"" >/dev/null 2>&1 || true  # no tables yet in a fresh database
  fi
  start_service server "$PORT"
  ADMIN=$(login admin bench-admin-password)
  curl -sf "$BASE/api/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
       -d '{"username":"bench","password":"bench-user-password","roles":["deploy"]}' >/dev/null
  USER=$(login bench bench-user-password)
  HOT=$(curl -sf "$BASE/api/v1/tokens" -H "Authorization: Bearer $USER" -H 'Content-Type: application/json' \
        -d '{"name":"hot"}' | json '["token"]')
  COLD_JSON=$(curl -sf "$BASE/api/v1/tokens" -H "Authorization: Bearer $USER" -H 'Content-Type: application/json' -d '{"name":"cold"}')
  COLD=$(echo "$COLD_JSON" | json '["token"]'); COLD_ID=$(echo "$COLD_JSON" | json '["id"]')
  curl -sf "$BASE/auth/verify" -H "Authorization: Bearer $HOT" >/dev/null
  sleep 6 # the hot token's last use reaches the database (flushed every 5 s)
  stop_service server
  t0=$(date +%s)
  # the rest straight into the database; the cold token looks a year unused, so it is outside the working set
  psql_as "-d $DBS -v ON_ERROR_STOP=1 -c \"delete from token_usage where token_id = '$COLD_ID'; update access_token set created_at = now() - interval '365 days' where id = '$COLD_ID'\"" >/dev/null
  [ "$SEEDED" = 1 ] || psql_as "-d $DBS -v ON_ERROR_STOP=1" >/dev/null <<SQL
set synchronous_commit = off;
insert into app_user (id, username, password_hash, roles, disabled, created_at, updated_at)
  select gen_random_uuid(), 'bulk-' || g, 'not-a-hash', '{deploy}', false, now(), now()
  from generate_series(1, greatest(1, $((SIZE / 1000)))) g;
create temporary table bulk_users as select id, row_number() over () - 1 as n from app_user where username like 'bulk-%';
with bulk as (
  insert into access_token (id, user_id, name, scopes, allowed_cidrs, digest, created_at, updated_at, issued_at, expires_at)
    select gen_random_uuid(), u.id, 'bulk-' || g, '{deploy}', '{}', sha256(('bulk-' || g || '-' || random())::bytea),
           now() - interval '180 days', now(), now(), now() + interval '180 days'
    from generate_series(1, greatest(0, $((SIZE - 2)))) g
    join bulk_users u on u.n = g % (select count(*) from bulk_users)
    returning id)
insert into token_usage (token_id, last_used_at, last_used_ip, recent_ips)
  select id, now() - random() * interval '90 days', '10.0.0.1', '{}' from bulk;
analyze;
SQL
  echo "seeded in $(( $(date +%s) - t0 )) s"
  # ready: the median of STARTS starts (a start is a few seconds, and the machine is noisy)
  : > "$OUT/ready.ms"
  for st in $(seq 1 "$STARTS"); do
    stop_service server
    start_service server "$PORT"
    echo "$READY_MS" >> "$OUT/ready.ms"
  done
  READY_MS=$(median < "$OUT/ready.ms")
  echo "ready in $(tr '\n' ' ' < "$OUT/ready.ms")ms: median $READY_MS ms"
  # the working set is read after readiness; memory is measured once it is in
  for _ in $(seq 1 600); do grep -q "Working set warmed" "$OUT/server.log" && break; sleep 0.1; done
  HELD=$(grep -o "Working set warmed: [0-9]* of" "$OUT/server.log" | tail -1 | awk '{print $4}')
  HELD="${HELD:-?} tokens"
  HEAP=$(heap_mb)
  echo "ready in ${READY_MS} ms; $HELD; heap after GC ${HEAP} MB"
  # a cold token's first check, then a hundred more
  before=$(reads)
  first=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$BASE/auth/verify" -H "Authorization: Bearer $COLD")
  after_first=$(reads)
  for _ in $(seq 1 100); do curl -sf -o /dev/null "$BASE/auth/verify" -H "Authorization: Bearer $COLD"; done
  after_more=$(reads)
  echo "cold first check: HTTP ${first% *} in ${first#* } s, $((after_first - before)) read(s); next 100: $((after_more - after_first))"
  # the hot check
  wrk -t1 -c8 -d3s -H "Authorization: Bearer $HOT" "$BASE/auth/verify" >/dev/null
  : > "$OUT/hot.rps"
  for r in $(seq 1 "$ROUNDS"); do
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $HOT" "$BASE/auth/verify" > "$OUT/wrk-hot.txt"
    grep -q "Non-2xx" "$OUT/wrk-hot.txt" && { echo "non-2xx answers" >&2; exit 1; }
    awk '/Requests\/sec/ {print $2}' "$OUT/wrk-hot.txt" | tee -a "$OUT/hot.rps" | sed "s/^/round $r: hot verify req\/s /"
  done
  HOTRPS=$(median < "$OUT/hot.rps")
  [ -n "$BASELINE" ] || BASELINE=$HOTRPS
  LINE=$(python3 - "$SIZE" "$READY_MS" "$HELD" "$HEAP" "$HOTRPS" "$BASELINE" "$first" "$((after_first - before))" "$((after_more - after_first))" <<'PY'
import sys
size, ready, held, heap, hot, base, first, x1, x100 = sys.argv[1:10]
code, secs = first.split()
held = held.split(",")[-1].strip() if held else "?"
print(f"| {int(size):,} | {float(ready)/1000:.1f} s | {held} | {heap} MB | {float(hot):,.0f} ({float(hot)/float(base):.2f}) | "
      f"{code} in {float(secs)*1000:.1f} ms, {x1} read(s) | {x100} |")
PY
)
  SUMMARY="$SUMMARY$LINE"$'\n'
  echo "$LINE"
done
stop_service server
echo
echo "| tokens in DB | ready after java -jar | held in memory | heap after GC | hot /auth/verify req/s (ratio to the smallest) | cold token's first check | database reads for its next 100 checks |"
echo "|---|---|---|---|---|---|---|"
printf "%s" "$SUMMARY"
