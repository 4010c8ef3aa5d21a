#!/usr/bin/env bash
# The primary's row writes per 1,000 authenticated requests, with 1, 2 and 4 replicas (issue 27): flat is the goal.
#
#   bench/usage-writes.sh                       # 200 tokens, 30 s of load per replica count
#   TOKENS=1000 DURATION=60s REPLICAS="1 2 4" bench/usage-writes.sh
#   PATGATE_TOKENS_USAGE_STEP=60S bench/usage-writes.sh   # any setting reaches every replica through the environment
#
# For each replica count it empties the tables, starts that many replicas of the packaged service on one PostgreSQL
# database, creates TOKENS tokens, then runs one wrk per replica for DURATION, each cycling through all the tokens on
# GET /auth/verify (every token is used on every replica, the worst case for usage writes). It waits for the last
# usage flush, then reads the database's row writes (pg_stat_user_tables: inserts + updates + deletes, all tables)
# made during the load, and prints them per 1,000 requests and per token and minute, with the share of HOT updates.
set -euo pipefail

TOKENS=${TOKENS:-200}
DURATION=${DURATION:-30s}
REPLICAS=${REPLICAS:-"1 2 4"}
DB=${DB:-patgate_usage}
BASE_PORT=${BASE_PORT:-18181}
# four JVMs on a small machine: small heaps, no start-up archive
PATGATE_JAVA_OPTS=${PATGATE_JAVA_OPTS-"-Xmx256m -XX:+UseSerialGC"}

cd "$(dirname "$0")/.."
. bench/lib.sh
ensure_tools
fresh_database "$DB"
ensure_jar
trap stop_all_services EXIT

stat() { psql_as "-d $DB -c \"select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) || ' ' || coalesce(sum(n_tup_upd), 0) || ' ' || coalesce(sum(n_tup_hot_upd), 0) from pg_stat_user_tables\""; }
seconds() { local d=$1; case $d in *m) echo $(( ${d%m} * 60 ));; *s) echo "${d%s}";; *) echo "$d";; esac; }

ROWS=()
for N in $REPLICAS; do
  stop_all_services
  psql_as "-d $DB -c \"truncate access_token, session_revocation, service_account_trust, service_account_manager, notice, audit_event cascade; delete from app_user where username <> 'admin'\"" >/dev/null 2>&1 || true
  for i in $(seq 1 "$N"); do start_service "replica-$i" $((BASE_PORT + i - 1)); done
  BASE=http://localhost:$BASE_PORT
  ADMIN=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
          -d '{"username":"admin","password":"bench-admin-password"}' | json '["token"]')
  TOKEN_LIST=$OUT/usage-tokens.txt
  : > "$TOKEN_LIST"
  # 50 tokens per account (the default per-user limit)
  for u in $(seq 1 $(( (TOKENS + 49) / 50 ))); do
    curl -sf "$BASE/api/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
         -d "{\"username\":\"bench$u\",\"password\":\"bench-user-password\",\"roles\":[\"deploy\"]}" >/dev/null
    SESSION=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
              -d "{\"username\":\"bench$u\",\"password\":\"bench-user-password\"}" | json '["token"]')
    for t in $(seq 1 50); do
      [ "$(wc -l < "$TOKEN_LIST")" -ge "$TOKENS" ] && break
      curl -sf "$BASE/api/v1/tokens" -H "Authorization: Bearer $SESSION" -H 'Content-Type: application/json' \
           -d "{\"name\":\"bench-$t\",\"scopes\":[\"deploy\"]}" | json '["token"]' >> "$TOKEN_LIST"
    done
  done
  { echo "tokens = {"; sed 's/.*/"&",/' "$TOKEN_LIST"; echo "}"
    echo 'i = math.random(#tokens)'
    echo 'request = function() i = i % #tokens + 1; return wrk.format("GET", "/auth/verify", {["Authorization"] = "Bearer " .. tokens[i]}) end'
  } > "$OUT/usage.lua"
  # every replica has seen every token once (a cold read each), and their first uses are written, before counting
  for i in $(seq 1 "$N"); do
    while read -r tok; do curl -sf -o /dev/null "http://localhost:$((BASE_PORT + i - 1))/auth/verify" -H "Authorization: Bearer $tok"; done < "$TOKEN_LIST"
  done
  sleep 8
  read -r W0 U0 H0 <<< "$(stat)"
  for i in $(seq 1 "$N"); do
    wrk -t1 -c8 -d"$DURATION" -s "$OUT/usage.lua" "http://localhost:$((BASE_PORT + i - 1))/auth/verify" > "$OUT/wrk-usage-$N-$i.txt" &
  done
  wait $(jobs -p | tail -n "$N")
  sleep 9 # the last flush (5 s) and the statistics' own delay
  read -r W1 U1 H1 <<< "$(stat)"
  REQ=0; NON2XX=0
  for i in $(seq 1 "$N"); do
    REQ=$(( REQ + $(awk '/requests in/ {print $1}' "$OUT/wrk-usage-$N-$i.txt") ))
    NON2XX=$(( NON2XX + $(awk '/Non-2xx/ {print $NF}' "$OUT/wrk-usage-$N-$i.txt" || echo 0) + 0 ))
  done
  W=$((W1 - W0)); U=$((U1 - U0)); H=$((H1 - H0))
  SECS=$(seconds "$DURATION")
  ROW=$(python3 -c "
w, u, h, req, n, tokens, secs = $W, $U, $H, $REQ, $N, $TOKENS, $SECS
print(f'| {n} | {req} | {req / secs:.0f} | {w} | {1000 * w / max(req, 1):.2f} | {w / tokens / (secs / 60):.1f} | {100 * h / u if u else 0:.0f}% |')")
  echo "$ROW (non-2xx: $NON2XX)"
  ROWS+=("$ROW")
done
stop_all_services

echo
echo "tokens: $TOKENS, load: $DURATION per replica count, step: ${PATGATE_TOKENS_USAGE_STEP:-default}, flush: ${PATGATE_TOKENS_USAGE_FLUSH_INTERVAL:-default}"
echo "| replicas | requests | requests/s | row writes | row writes / 1,000 requests | row writes / token / minute | HOT updates |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}" | tee "$OUT/usage-writes.txt"
