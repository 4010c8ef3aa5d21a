#!/usr/bin/env bash
# Throughput of the per-request check, against the packaged service on a real PostgreSQL.
#
#   bench/verify.sh                 # 10 tokens, then 100,000 tokens in the database
#   ROUNDS=5 DURATION=10s bench/verify.sh
#
# For each database size it starts the packaged service, then alternates, ROUNDS times, a wrk run against
#   bare        GET /                        nginx answering `return 200` on the same machine: the HTTP ceiling
#   public      GET /.well-known/jwks.json   (the baseline: same HTTP stack, no credential)
#   verify      GET /auth/verify             with a personal access token
#   introspect  POST /oauth/introspect       a gateway's token asks about a personal access token (RFC 7662)
#   me          GET /api/v1/me               with a personal access token
# and prints requests/s and p99 of each, the ratio of each to public throughput (medians of the rounds),
# and PostgreSQL transactions per authenticated request (pg_stat_database), so the figures are ratios
# measured in one run on a shared, noisy machine rather than absolute numbers.
# Needs root or sudo for apt (wrk, postgresql, nginx) and a local PostgreSQL cluster it may create a database in.
set -euo pipefail

SIZES=${SIZES:-"10 100000"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT=${PORT:-18080}
DB=${DB:-patgate_bench}

cd "$(dirname "$0")/.."
. bench/lib.sh
ensure_tools
fresh_database "$DB"
ensure_jar
BASE=http://localhost:$PORT
BARE_PORT=${BARE_PORT:-18099}
start_bare_nginx "$BARE_PORT"

trap 'stop_all_services; stop_bare_nginx' EXIT
stop_server() { stop_service server; }
start_server() { start_service server "$PORT"; }
SERVER_PID() { echo "${PIDS[server]}"; }

commits() { psql_as "-d $DB -c \"select xact_commit + xact_rollback from pg_stat_database where datname = '$DB'\""; }

heap_mb() {
  jcmd "$(SERVER_PID)" GC.run >/dev/null 2>&1 || true
  sleep 1
  curl -s "$(management_url "$PORT")/q/metrics" | awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 {s += $NF} END {printf "%.0f", s / 1048576}'
}

# wrk prints "Requests/sec: N" and, with --latency, "99% Xms"
run_wrk() {
  local name=$1 url=$2 header=${3:-} script=${4:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
  [ -n "$header" ] && args+=(-H "$header")
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" > "$OUT/wrk-$name.txt"
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk-$name.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk-$name.txt")
  total=$(awk '/requests in/ {print $1}' "$OUT/wrk-$name.txt")
  [ -z "$non2xx" ] || { echo "$name: $non2xx non-2xx answers" >&2; exit 1; }
  echo "$rps $p99 $total"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

SUMMARY=""
for SIZE in $SIZES; do
  echo "== $SIZE tokens in the database =="
  stop_server
  psql_as "-d $DB -c \"truncate access_token, session_revocation cascade; delete from app_user where username <> 'admin'\"" >/dev/null 2>&1 || true  # no tables yet in a fresh database
  start_server
  ADMIN=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
          -d '{"username":"admin","password":"bench-admin-password"}' | json '["token"]')
  curl -sf "$BASE/api/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
       -d '{"username":"bench","password":"bench-user-password","roles":["deploy"]}' >/dev/null
  USER=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
         -d '{"username":"bench","password":"bench-user-password"}' | json '["token"]')
  PAT=$(curl -sf "$BASE/api/v1/tokens" -H "Authorization: Bearer $USER" -H 'Content-Type: application/json' \
        -d '{"name":"bench","scopes":["deploy"]}' | json '["token"]')
  # a gateway with the role introspect, and its own token, asks about $PAT
  curl -sf "$BASE/api/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
       -d '{"username":"gateway","password":"bench-gateway-password","roles":["introspect"]}' >/dev/null
  GATEWAY_SESSION=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
         -d '{"username":"gateway","password":"bench-gateway-password"}' | json '["token"]')
  GATEWAY=$(curl -sf "$BASE/api/v1/tokens" -H "Authorization: Bearer $GATEWAY_SESSION" -H 'Content-Type: application/json' \
        -d '{"name":"gateway"}' | json '["token"]')
  cat > "$OUT/introspect.lua" <<LUA
wrk.method = "POST"
wrk.body = "token=$PAT"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer $GATEWAY"
LUA
  curl -sf "$BASE/oauth/introspect" -H "Authorization: Bearer $GATEWAY" --data-urlencode "token=$PAT" | grep -q '"active":true' \
    || { echo "introspection of the bench token is not active" >&2; exit 1; }
  # the rest of the tokens go straight into the database, as years of use would leave them
  psql_as "-d $DB -v ON_ERROR_STOP=1" >/dev/null <<SQL
insert into app_user (id, username, password_hash, roles, disabled, created_at, updated_at)
  values (gen_random_uuid(), 'bulk', 'not-a-hash', '{deploy}', false, now(), now());
insert into access_token (id, user_id, name, scopes, allowed_cidrs, digest, created_at, updated_at, issued_at, expires_at, recent_ips)
  select gen_random_uuid(), (select id from app_user where username = 'bulk'), 'bulk-' || g, '{deploy}', '{}',
         sha256(('bulk-' || g || '-' || random())::bytea), now(), now(), now(), now() + interval '30 days', '{}'
  from generate_series(1, $((SIZE - 1))) g;
SQL
  stop_server
  start_server
  # the working set is read right after readiness: the heap is measured once it is in
  for _ in $(seq 1 600); do grep -q "Working set warmed" "$OUT/server.log" && break; sleep 0.1; done
  grep -o "Working set warmed: [0-9]* of [0-9]*" "$OUT/server.log" | tail -1
  HEAP=$(heap_mb)
  echo "ready in ${READY_MS} ms after java -jar; heap in use after GC: ${HEAP} MB"
  # warm up the JIT on every path
  for u in "/.well-known/jwks.json" "/auth/verify" "/api/v1/me"; do
    wrk -t1 -c8 -d3s -H "Authorization: Bearer $PAT" "$BASE$u" >/dev/null
  done
  wrk -t1 -c8 -d3s -s "$OUT/introspect.lua" "$BASE/oauth/introspect" >/dev/null
  for ep in bare public verify introspect me; do : > "$OUT/$ep.rps"; : > "$OUT/$ep.p99"; done
  AUTH_REQUESTS=0; AUTH_XACTS=0
  for r in $(seq 1 "$ROUNDS"); do
    for ep in bare public; do
      url=$([ $ep = bare ] && echo "http://localhost:$BARE_PORT/" || echo "$BASE/.well-known/jwks.json")
      read -r rps p99 _ < <(run_wrk $ep "$url")
      echo "$rps" >> "$OUT/$ep.rps"; echo "$p99" >> "$OUT/$ep.p99"
    done
    for ep in verify introspect me; do
      before=$(commits)
      case $ep in
        verify) read -r rps p99 total < <(run_wrk $ep "$BASE/auth/verify" "Authorization: Bearer $PAT") ;;
        introspect) read -r rps p99 total < <(run_wrk $ep "$BASE/oauth/introspect" "" "$OUT/introspect.lua") ;;
        me) read -r rps p99 total < <(run_wrk $ep "$BASE/api/v1/me" "Authorization: Bearer $PAT") ;;
      esac
      after=$(commits)
      AUTH_REQUESTS=$((AUTH_REQUESTS + total)); AUTH_XACTS=$((AUTH_XACTS + after - before))
      echo "$rps" >> "$OUT/$ep.rps"; echo "$p99" >> "$OUT/$ep.p99"
    done
    echo "round $r: bare $(tail -1 "$OUT/bare.rps"), public $(tail -1 "$OUT/public.rps"), verify $(tail -1 "$OUT/verify.rps")," \
         "introspect $(tail -1 "$OUT/introspect.rps"), me $(tail -1 "$OUT/me.rps") req/s"
  done
  LINE=$(python3 - "$SIZE" "$AUTH_XACTS" "$AUTH_REQUESTS" "$READY_MS" "$HEAP" "$OUT" <<'PY'
import sys
size, x, n, ready, heap, out = sys.argv[1:7]
def median(name):
    v = sorted(float(l) for l in open(f"{out}/{name}.rps") if l.strip())
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2
def last_p99(name):
    v = [l.strip() for l in open(f"{out}/{name}.p99") if l.strip()]
    return v[-1] if v else "?"
r = {e: median(e) for e in ("bare", "public", "verify", "introspect", "me")}
pub = r["public"]
x, n = int(x), int(n)
print(f"| {int(size):,} | {r['bare']:,.0f} ({r['bare']/pub:.2f}) | {pub:,.0f} | {r['verify']:,.0f} ({r['verify']/pub:.2f}) | "
      f"{r['introspect']:,.0f} ({r['introspect']/pub:.2f}; {r['introspect']/r['verify']:.2f} of verify) | {r['me']:,.0f} ({r['me']/pub:.2f}) | "
      f"{' / '.join(last_p99(e) for e in ('bare', 'public', 'verify', 'introspect', 'me'))} | "
      f"{x} / {n:,} = {x/max(n,1):.5f} | {int(ready)/1000:.1f} s | {heap} MB |")
PY
)
  SUMMARY="$SUMMARY$LINE"$'\n'
  echo "$LINE"
done
stop_server

echo
echo "| tokens in DB | bare nginx req/s (ratio) | public req/s | /auth/verify req/s (ratio) | /oauth/introspect req/s (ratio) | /api/v1/me req/s (ratio) | p99 bare / public / verify / introspect / me (last round) | PG transactions / authenticated requests | ready after | heap after GC |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf "%s" "$SUMMARY"
