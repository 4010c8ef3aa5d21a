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
#   exverify    GET /auth/verify             with a token exchanged at /oauth/token (RFC 8693)
#   exchange    POST /oauth/token            a workload's subject token exchanged for a patgate token
# and prints requests/s and p99 of each, the ratio of each to public throughput (medians of the rounds),
# the exchanged token's /auth/verify as a ratio of the PAT's, and PostgreSQL transactions per authenticated
# request and per exchange (pg_stat_database), so the figures are ratios measured in one run on a shared,
# noisy machine rather than absolute numbers.
# The subject tokens need no issuer: the bench signs them (RS256) with an RSA key of its own, whose public
# half the service account's trust entry carries inline (jwks).
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

# The workload's issuer: a key made for this run; the trust entry holds its public half, so nothing is fetched.
ISSUER=https://bench.example
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/issuer.pem" 2>/dev/null
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
JWKS=$(openssl rsa -in "$OUT/issuer.pem" -noout -modulus | python3 -c '
import base64, json, sys
n = bytes.fromhex(sys.stdin.read().strip().split("=", 1)[1])
print(json.dumps({"keys": [{"kty": "RSA", "kid": "bench", "use": "sig", "alg": "RS256", "e": "AQAB",
                            "n": base64.urlsafe_b64encode(n).decode().rstrip("=")}]}))')
# a Kubernetes-like projected service-account token for audience patgate, valid for an hour
subject_token() {
  local now input
  now=$(date +%s)
  input="$(printf '{"alg":"RS256","kid":"bench","typ":"JWT"}' | b64url).$(printf \
    '{"iss":"%s","aud":"patgate","sub":"system:serviceaccount:bench:deployer","iat":%d,"exp":%d}' "$ISSUER" "$now" $((now + 3600)) | b64url)"
  echo "$input.$(printf '%s' "$input" | openssl dgst -sha256 -sign "$OUT/issuer.pem" | b64url)"
}
EXCHANGE_FORM="grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token_type=urn:ietf:params:oauth:token-type:jwt"

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
  psql_as "-d $DB -c \"truncate access_token, session_revocation, service_account_trust, service_account_manager cascade; delete from app_user where username <> 'admin'\"" >/dev/null 2>&1 || true  # no tables yet in a fresh database
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
  # a service account with the role deploy, trusting the bench's workload identities (keys inline)
  ACCOUNT=$(curl -sf "$BASE/api/v1/service-accounts" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
            -d '{"name":"bench-job","roles":["deploy"]}' | json '["id"]')
  curl -sf "$BASE/api/v1/service-accounts/$ACCOUNT/trust" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
       -d "{\"issuer\":\"$ISSUER\",\"audience\":\"patgate\",\"subject\":\"system:serviceaccount:bench:*\",\"maxTtlSeconds\":3600,\"jwks\":$JWKS}" >/dev/null
  # the rest of the tokens go straight into the database, as years of use would leave them
  psql_as "-d $DB -v ON_ERROR_STOP=1" >/dev/null <<SQL
insert into app_user (id, username, password_hash, roles, disabled, created_at, updated_at)
  values (gen_random_uuid(), 'bulk', 'not-a-hash', '{deploy}', false, now(), now());
insert into access_token (id, user_id, name, scopes, allowed_cidrs, digest, created_at, updated_at, issued_at, expires_at)
  select gen_random_uuid(), (select id from app_user where username = 'bulk'), 'bulk-' || g, '{deploy}', '{}',
         sha256(('bulk-' || g || '-' || random())::bytea), now(), now(), now(), now() + interval '30 days'
  from generate_series(1, $((SIZE - 1))) g;
SQL
  stop_server
  start_server
  # the working set is read right after readiness: the heap is measured once it is in
  for _ in $(seq 1 600); do grep -q "Working set warmed" "$OUT/server.log" && break; sleep 0.1; done
  grep -o "Working set warmed: [0-9]* of [0-9]*" "$OUT/server.log" | tail -1
  HEAP=$(heap_mb)
  echo "ready in ${READY_MS} ms after java -jar; heap in use after GC: ${HEAP} MB"
  # the workload's token, exchanged once for the token exchverify uses; wrk exchanges the same one over and over
  SUBJECT=$(subject_token)
  EXCHANGED=$(curl -sf "$BASE/oauth/token" -d "$EXCHANGE_FORM&subject_token=$SUBJECT&scope=deploy" | json '["access_token"]')
  curl -sf -o /dev/null "$BASE/auth/verify" -H "Authorization: Bearer $EXCHANGED" \
    || { echo "the exchanged token is not accepted at /auth/verify" >&2; exit 1; }
  cat > "$OUT/exchange.lua" <<LUA
wrk.method = "POST"
wrk.body = "$EXCHANGE_FORM&subject_token=$SUBJECT&scope=deploy"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
  # warm up the JIT on every path
  for u in "/.well-known/jwks.json" "/auth/verify" "/api/v1/me"; do
    wrk -t1 -c8 -d3s -H "Authorization: Bearer $PAT" "$BASE$u" >/dev/null
  done
  wrk -t1 -c8 -d3s -s "$OUT/introspect.lua" "$BASE/oauth/introspect" >/dev/null
  wrk -t1 -c8 -d3s -H "Authorization: Bearer $EXCHANGED" "$BASE/auth/verify" >/dev/null
  wrk -t1 -c8 -d3s -s "$OUT/exchange.lua" "$BASE/oauth/token" >/dev/null
  for ep in bare public verify introspect me exverify exchange; do : > "$OUT/$ep.rps"; : > "$OUT/$ep.p99"; done
  AUTH_REQUESTS=0; AUTH_XACTS=0; EXCHANGES=0; EXCHANGE_XACTS=0
  for r in $(seq 1 "$ROUNDS"); do
    for ep in bare public; do
      url=$([ $ep = bare ] && echo "http://localhost:$BARE_PORT/" || echo "$BASE/.well-known/jwks.json")
      read -r rps p99 _ < <(run_wrk $ep "$url")
      echo "$rps" >> "$OUT/$ep.rps"; echo "$p99" >> "$OUT/$ep.p99"
    done
    for ep in verify introspect me exverify exchange; do
      before=$(commits)
      case $ep in
        verify) read -r rps p99 total < <(run_wrk $ep "$BASE/auth/verify" "Authorization: Bearer $PAT") ;;
        introspect) read -r rps p99 total < <(run_wrk $ep "$BASE/oauth/introspect" "" "$OUT/introspect.lua") ;;
        me) read -r rps p99 total < <(run_wrk $ep "$BASE/api/v1/me" "Authorization: Bearer $PAT") ;;
        exverify) read -r rps p99 total < <(run_wrk $ep "$BASE/auth/verify" "Authorization: Bearer $EXCHANGED") ;;
        exchange) read -r rps p99 total < <(run_wrk $ep "$BASE/oauth/token" "" "$OUT/exchange.lua") ;;
      esac
      after=$(commits)
      if [ $ep = exchange ]; then
        EXCHANGES=$((EXCHANGES + total)); EXCHANGE_XACTS=$((EXCHANGE_XACTS + after - before))
      else
        AUTH_REQUESTS=$((AUTH_REQUESTS + total)); AUTH_XACTS=$((AUTH_XACTS + after - before))
      fi
      echo "$rps" >> "$OUT/$ep.rps"; echo "$p99" >> "$OUT/$ep.p99"
    done
    echo "round $r: bare $(tail -1 "$OUT/bare.rps"), public $(tail -1 "$OUT/public.rps"), verify $(tail -1 "$OUT/verify.rps")," \
         "introspect $(tail -1 "$OUT/introspect.rps"), me $(tail -1 "$OUT/me.rps"), exchanged verify $(tail -1 "$OUT/exverify.rps")," \
         "exchange $(tail -1 "$OUT/exchange.rps") req/s"
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
  LINE=$(python3 - "$SIZE" "$EXCHANGE_XACTS" "$EXCHANGES" "$OUT" <<'PY'
import sys
size, x, n, out = sys.argv[1:5]
def median(name):
    v = sorted(float(l) for l in open(f"{out}/{name}.rps") if l.strip())
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2
def last_p99(name):
    v = [l.strip() for l in open(f"{out}/{name}.p99") if l.strip()]
    return v[-1] if v else "?"
r = {e: median(e) for e in ("public", "verify", "exverify", "exchange")}
pub, ver = r["public"], r["verify"]
x, n = int(x), int(n)
print(f"| {int(size):,} | {ver:,.0f} | {r['exverify']:,.0f} ({r['exverify']/ver:.2f} of the PAT's; {r['exverify']/pub:.2f} of public) | "
      f"{r['exchange']:,.0f} ({r['exchange']/ver:.3f} of the PAT's verify; {r['exchange']/pub:.3f} of public) | "
      f"{' / '.join(last_p99(e) for e in ('verify', 'exverify', 'exchange'))} | {x} / {n:,} = {x/max(n,1):.2f} |")
PY
)
  EXCHANGE_SUMMARY="${EXCHANGE_SUMMARY:-}$LINE"$'\n'
  echo "$LINE"
done
stop_server

echo
echo "| tokens in DB | bare nginx req/s (ratio) | public req/s | /auth/verify req/s (ratio) | /oauth/introspect req/s (ratio) | /api/v1/me req/s (ratio) | p99 bare / public / verify / introspect / me (last round) | PG transactions / authenticated requests | ready after | heap after GC |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf "%s" "$SUMMARY"
echo
echo "| tokens in DB | /auth/verify req/s, PAT | /auth/verify req/s, exchanged token (ratios) | /oauth/token exchanges/s (ratios) | p99 verify PAT / exchanged / exchange (last round) | PG transactions / exchanges |"
echo "|---|---|---|---|---|---|"
printf "%s" "$EXCHANGE_SUMMARY"
