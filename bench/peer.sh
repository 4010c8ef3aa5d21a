#!/usr/bin/env bash
# patgate beside a peer: Keycloak, on the same machine, in the same run, with the same load.
#
#   bench/peer.sh                                  # a minute's warm-up and 3 alternating rounds of 8 s per target: 8 minutes
#   ROUNDS=5 DURATION=10s CONNECTIONS=64 bench/peer.sh
#
# It starts the packaged patgate on a fresh PostgreSQL database and Keycloak (keycloak-quarkus-dist, fetched
# once from Maven Central into KEYCLOAK_HOME, run with `kc.sh start-dev` on its own H2 dev database, wiped
# each run), sets up the same situation in each (a user with a password; a token of that user; a gateway
# allowed to ask about tokens; in Keycloak: realm bench with 1-hour access tokens, public client cli with
# direct access grants, whose tokens name the confidential client gateway in their aud, as Keycloak's
# introspection requires since 26.6.2, and the user's access token from the password grant, scope openid),
# warms each target up for WARMUP, then alternates, ROUNDS times, one wrk run (THREADS threads,
# CONNECTIONS connections, DURATION; the order flips every round) against each of
#   kc-introspect  POST /realms/bench/protocol/openid-connect/token/introspect  form token=<user's access
#                  token>, Basic gateway:<secret> (a confidential client; RFC 7662)
#   pg-introspect  POST /oauth/introspect         form token=<personal access token>, Bearer <gateway's token>
#   kc-userinfo    GET  /realms/bench/protocol/openid-connect/userinfo  Bearer <user's access token>
#   pg-verify      GET  /auth/verify              Bearer <personal access token>
#   bare           GET  /  on nginx answering `return 200` (lib.sh): the machine's HTTP ceiling, so how far
#                  ahead of Keycloak any server could be here is visible in the same run
# after checking each answers 200 (and "active":true for introspection), and prints as a markdown table:
#   req/s          median of the rounds; any non-2xx answer from wrk stops the run
#   p99            median of the rounds' wrk p99
#   RSS            VmRSS of each JVM (/proc/PID/status): right after ready, and the largest seen while
#                  sampling every 0.5 s through warm-up and all rounds
#   ready          ms from launching the process to its readiness endpoint answering 200: patgate's
#                  /q/health/ready (lib.sh start_service, Flyway migrating the empty database included);
#                  Keycloak's /health/ready on its management port (KC_HEALTH_ENABLED=true; H2 schema
#                  creation, and start-dev's re-augmentation when it happens, included)
# and the ratios patgate / Keycloak of each (introspection to introspection, verify to userinfo), so the
# figures are same-run ratios on a shared, noisy 2-core machine rather than absolute numbers.
#
# Memory: each JVM is sized as its container image sizes it in a pod with a 512 MiB memory limit, with
# -XX:MaxRAM=512m standing in for the limit: patgate with lib.sh's PATGATE_JAVA_OPTS (Dockerfile.jvm's
# JAVA_OPTS: heap at most 50 %, Serial GC), Keycloak with what kc.sh gives it in a container
# (KC_RUN_IN_CONTAINER=true: heap 70 %, 50 % from the start; kc.sh's other defaults stay: G1, metaspace
# at most 256m) through JAVA_OPTS_KC_HEAP=$KC_HEAP. Keycloak's sizing guide starts a pod at 1250 MB (of
# which ~300 MB not heap); KC_HEAP="-Xmx875m" or the like gives it that. The table shows the max heap and
# GC each JVM reports (jcmd VM.flags) and its Java version: patgate runs on the default `java` (17 here),
# Keycloak 26 needs 21+ and runs on KC_JAVA_HOME (Temurin 25 here).
# Both services run only from their start to the end of the last round. Needs root or sudo for apt (wrk,
# postgresql), a local PostgreSQL cluster it may create a database in, and Maven Central (MAVEN_REPO) once.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
WARMUP=${WARMUP:-60s}   # per target; Keycloak's throughput still climbs after 10 s of warm-up (its JIT), much less after a minute
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT=${PORT:-18084}
DB=${DB:-patgate_peer}
KC_HEAP=${KC_HEAP:-"-XX:MaxRAMPercentage=70 -XX:MinRAMPercentage=70 -XX:InitialRAMPercentage=50 -XX:MaxRAM=512m"}
KC_VERSION=${KC_VERSION:-26.7.3}
KEYCLOAK_HOME=${KEYCLOAK_HOME:-$HOME/.cache/patgate-bench/keycloak-$KC_VERSION}
KC_JAVA_HOME=${KC_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
KC_PORT=${KC_PORT:-18180}
KC_MANAGEMENT_PORT=${KC_MANAGEMENT_PORT:-19000}
KC_START_TIMEOUT=${KC_START_TIMEOUT:-300}
MAVEN_REPO=${MAVEN_REPO:-https://repo1.maven.org/maven2}

cd "$(dirname "$0")/.."
. bench/lib.sh

say() { echo "peer: $*" >&2; }
die() { echo "peer: $*" >&2; exit 1; }

# ---- Keycloak: fetched once, started in dev mode, stopped on exit ----
ensure_keycloak() {
  [ -x "$KEYCLOAK_HOME/bin/kc.sh" ] && return
  local url="$MAVEN_REPO/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.tar.gz"
  local tgz="$KEYCLOAK_HOME.tar.gz.part" sha1
  mkdir -p "$(dirname "$KEYCLOAK_HOME")"
  say "downloading $url"
  curl -fL --retry 3 -o "$tgz" "$url" || die "could not download $url"
  sha1=$(curl -fsL "$url.sha1" | awk '{print $1}') || die "could not download $url.sha1"
  echo "$sha1  $tgz" | sha1sum -c --quiet - || die "checksum of $tgz does not match $url.sha1"
  rm -rf "$KEYCLOAK_HOME.tmp" && mkdir -p "$KEYCLOAK_HOME.tmp"
  tar xzf "$tgz" -C "$KEYCLOAK_HOME.tmp" --strip-components=1
  mv "$KEYCLOAK_HOME.tmp" "$KEYCLOAK_HOME"
  rm -f "$tgz"
  say "Keycloak $KC_VERSION unpacked in $KEYCLOAK_HOME"
}

KC_PID=
# kc.sh runs the JVM as its child, and execs a second one in its own place after a re-augmentation
kc_java_pid() {
  [ -n "$KC_PID" ] && [ -d "/proc/$KC_PID" ] || return 0
  if [ "$(cat "/proc/$KC_PID/comm")" = java ]; then echo "$KC_PID"; else pgrep -P "$KC_PID" -x java | head -1; fi
}

start_keycloak() {
  local t0
  "$KC_JAVA_HOME/bin/java" -version >/dev/null 2>&1 || die "no java at KC_JAVA_HOME=$KC_JAVA_HOME (Keycloak 26 needs 21+)"
  rm -rf "$KEYCLOAK_HOME/data"   # a fresh H2 dev database, and so a fresh bootstrap admin, every run
  # Keycloak is a Quarkus application too: patgate's QUARKUS_DATASOURCE_* (fresh_database) would become its database
  local unset=() v
  for v in $(compgen -e); do case $v in QUARKUS_*|PATGATE_*) unset+=(-u "$v") ;; esac; done
  t0=$(date +%s%N)
  env "${unset[@]}" JAVA_HOME="$KC_JAVA_HOME" JAVA= JAVA_OPTS= JAVA_OPTS_APPEND= JAVA_OPTS_KC_HEAP="$KC_HEAP" \
  KC_HTTP_PORT=$KC_PORT KC_HTTP_MANAGEMENT_PORT=$KC_MANAGEMENT_PORT KC_HEALTH_ENABLED=true \
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=bench-kc-admin-password \
    "$KEYCLOAK_HOME/bin/kc.sh" start-dev < /dev/null > "$OUT/keycloak.log" 2>&1 &
  KC_PID=$!
  for _ in $(seq 1 $((KC_START_TIMEOUT * 10))); do
    if curl -sf "http://localhost:$KC_MANAGEMENT_PORT/health/ready" >/dev/null 2>&1; then
      KC_READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
      KC_JAVA_PID=$(kc_java_pid)
      [ -n "$KC_JAVA_PID" ] || die "Keycloak answers but its JVM was not found under pid $KC_PID"
      return
    fi
    kill -0 "$KC_PID" 2>/dev/null || { tail -30 "$OUT/keycloak.log" >&2; die "Keycloak exited; see $OUT/keycloak.log"; }
    sleep 0.1
  done
  tail -30 "$OUT/keycloak.log" >&2
  die "Keycloak was not ready after ${KC_START_TIMEOUT}s; see $OUT/keycloak.log"
}

stop_keycloak() {
  [ -n "$KC_PID" ] || return 0
  local java
  java=$(kc_java_pid)
  kill "$KC_PID" 2>/dev/null || true   # kc.sh forwards TERM to its JVM
  for _ in $(seq 1 150); do
    { kill -0 "$KC_PID" 2>/dev/null || { [ -n "$java" ] && kill -0 "$java" 2>/dev/null; }; } || break
    sleep 0.1
  done
  [ -n "$java" ] && kill -9 "$java" 2>/dev/null || true
  wait "$KC_PID" 2>/dev/null || true
  KC_PID=
}

# ---- RSS: VmRSS of both JVMs every 0.5 s while SAMPLER runs ----
SAMPLER=
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
start_sampler() {
  : > "$OUT/peer-rss.txt"
  ( while :; do
      echo "kc $(rss_mib "$KC_JAVA_PID") pg $(rss_mib "$PG_PID")" >> "$OUT/peer-rss.txt"
      sleep 0.5
    done ) &
  SAMPLER=$!
}
stop_sampler() { [ -n "$SAMPLER" ] && { kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; }; SAMPLER=; }

# "Java 25.0.3, max heap 360 MiB, G1GC": what the running JVM PID says of itself
jvm_of() {
  local bin version flags
  bin=$(dirname "$(readlink "/proc/$1/exe")")
  version=$("$bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
  flags=$("$bin/jcmd" "$1" VM.flags 2>/dev/null || true)
  echo "Java $version, max heap $(grep -o -- '-XX:MaxHeapSize=[0-9]*' <<< "$flags" | awk -F= 'NR == 1 {printf "%.0f MiB", $2 / 1048576}'),"\
       "$(grep -o -- '-XX:+Use[A-Za-z0-9]*GC' <<< "$flags" | head -1 | sed 's/^-XX:+Use//')"
}

cleanup() { stop_sampler; stop_keycloak; stop_all_services; stop_bare_nginx; }
trap cleanup EXIT

# ---- wrk: "Requests/sec: N", with --latency "99% Xms"; any non-2xx answer stops the run ----
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
run_wrk() {
  local name=$1 url=$2 script=$3 duration=${4:-$DURATION} file="$OUT/wrk-peer-$1.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -s "$script" "$url" > "$file"
  local rps p99 non2xx socket
  rps=$(awk '/Requests\/sec/ {print $2}' "$file")
  p99=$(awk '$1 == "99%" {print $2}' "$file")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$file")
  socket=$(grep 'Socket errors' "$file" || true)
  [ -z "$non2xx" ] || { cat "$file" >&2; die "$name: $non2xx non-2xx answers (wrk output above)"; }
  [ -z "$socket" ] || say "$name: $socket"
  [ -n "$rps" ] && [ -n "$p99" ] || { cat "$file" >&2; die "$name: no figures from wrk"; }
  echo "$rps $(to_ms "$p99")"
}

load() { cut -d' ' -f1 /proc/loadavg; }   # the 1-minute load average: how shared the machine was
LOAD_START=$(load)
ensure_tools
ensure_keycloak
fresh_database "$DB"
ensure_jar

# ---- patgate: as bench/verify.sh sets it up ----
PG=http://localhost:$PORT
start_service peer-patgate "$PORT"
PG_READY_MS=$READY_MS
PG_PID=${PIDS[peer-patgate]}
PG_RSS_READY=$(rss_mib "$PG_PID")
PG_JVM=$(jvm_of "$PG_PID")
[ -z "${PATGATE_JAVA_OPTS:-}" ] || tr '\0' ' ' < "/proc/$PG_PID/cmdline" | grep -qF -- "$PATGATE_JAVA_OPTS" \
  || say "warning: patgate runs without PATGATE_JAVA_OPTS ($PATGATE_JAVA_OPTS): bench/lib.sh start_service does not pass them"
say "patgate ready in $PG_READY_MS ms, RSS $PG_RSS_READY MiB"
ADMIN=$(curl -sf "$PG/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d '{"username":"admin","password":"bench-admin-password"}' | json '["token"]')
curl -sf "$PG/api/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
     -d '{"username":"bench","password":"bench-user-password","roles":["deploy"]}' >/dev/null
USER_SESSION=$(curl -sf "$PG/api/v1/auth/login" -H 'Content-Type: application/json' \
       -d '{"username":"bench","password":"bench-user-password"}' | json '["token"]')
PAT=$(curl -sf "$PG/api/v1/tokens" -H "Authorization: Bearer $USER_SESSION" -H 'Content-Type: application/json' \
      -d '{"name":"bench","scopes":["deploy"]}' | json '["token"]')
curl -sf "$PG/api/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
     -d '{"username":"gateway","password":"bench-gateway-password","roles":["introspect"]}' >/dev/null
GATEWAY_SESSION=$(curl -sf "$PG/api/v1/auth/login" -H 'Content-Type: application/json' \
       -d '{"username":"gateway","password":"bench-gateway-password"}' | json '["token"]')
GATEWAY=$(curl -sf "$PG/api/v1/tokens" -H "Authorization: Bearer $GATEWAY_SESSION" -H 'Content-Type: application/json' \
      -d '{"name":"gateway"}' | json '["token"]')

# ---- Keycloak: realm bench, confidential client gateway, public client cli (password grant), user bench ----
KC=http://localhost:$KC_PORT
KC_SECRET=bench-gateway-secret
start_keycloak
KC_RSS_READY=$(rss_mib "$KC_JAVA_PID")
KC_JVM=$(jvm_of "$KC_JAVA_PID")
grep -q 'Updating the configuration and installing your custom providers' "$OUT/keycloak.log" \
  && KC_REAUGMENTED=" (start-dev re-augmented first)" || KC_REAUGMENTED=""
say "Keycloak ready in $KC_READY_MS ms$KC_REAUGMENTED, RSS $KC_RSS_READY MiB"
KC_ADMIN=$(curl -sf "$KC/realms/master/protocol/openid-connect/token" -d grant_type=password -d client_id=admin-cli \
           -d username=admin -d password=bench-kc-admin-password | json '["access_token"]')
kc_post() {  # kc_post PATH JSON: an admin REST call that must answer 201
  local code
  code=$(curl -s -o "$OUT/keycloak-admin.txt" -w '%{http_code}' "$KC/admin/realms$1" \
         -H "Authorization: Bearer $KC_ADMIN" -H 'Content-Type: application/json' -d "$2")
  [ "$code" = 201 ] || { cat "$OUT/keycloak-admin.txt" >&2; die "POST /admin/realms$1 answered $code"; }
}
kc_post "" '{"realm":"bench","enabled":true,"accessTokenLifespan":3600,"ssoSessionIdleTimeout":36000,"ssoSessionMaxLifespan":36000}'
kc_post /bench/clients "{\"clientId\":\"gateway\",\"publicClient\":false,\"clientAuthenticatorType\":\"client-secret\",
  \"secret\":\"$KC_SECRET\",\"standardFlowEnabled\":false,\"directAccessGrantsEnabled\":false,\"serviceAccountsEnabled\":false}"
# since 26.6.2 Keycloak answers "active":false to a client outside the token's aud: cli's tokens name gateway
kc_post /bench/clients '{"clientId":"cli","publicClient":true,"directAccessGrantsEnabled":true,"standardFlowEnabled":false,
  "protocolMappers":[{"name":"gateway-audience","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
    "config":{"included.client.audience":"gateway","access.token.claim":"true","id.token.claim":"false"}}]}'
kc_post /bench/users '{"username":"bench","enabled":true,"email":"bench@example.com","emailVerified":true,
  "firstName":"Bench","lastName":"User","credentials":[{"type":"password","value":"bench-user-password","temporary":false}]}'
ACCESS=$(curl -sf "$KC/realms/bench/protocol/openid-connect/token" -d grant_type=password -d client_id=cli \
         -d username=bench -d password=bench-user-password -d scope=openid | json '["access_token"]')

# ---- one lua script per target; each answers 200 (and active) before it is measured ----
BASIC=$(printf '%s' "gateway:$KC_SECRET" | base64 -w0)
lua() {  # lua NAME METHOD AUTHORIZATION [BODY]
  { echo "wrk.method = \"$2\""
    echo "wrk.headers[\"Authorization\"] = \"$3\""
    if [ -n "${4:-}" ]; then
      echo "wrk.body = \"$4\""
      echo 'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"'
    fi; } > "$OUT/peer-$1.lua"
}
lua kc-introspect POST "Basic $BASIC" "token=$ACCESS"
lua pg-introspect POST "Bearer $GATEWAY" "token=$PAT"
lua kc-userinfo GET "Bearer $ACCESS"
lua pg-verify GET "Bearer $PAT"
echo 'wrk.method = "GET"' > "$OUT/peer-bare.lua"
BARE_PORT=${BARE_PORT:-18199}
start_bare_nginx "$BARE_PORT"
declare -A URL=(
  [bare]=http://localhost:$BARE_PORT/
  [kc-introspect]=$KC/realms/bench/protocol/openid-connect/token/introspect
  [pg-introspect]=$PG/oauth/introspect
  [kc-userinfo]=$KC/realms/bench/protocol/openid-connect/userinfo
  [pg-verify]=$PG/auth/verify
)
check() {  # check NAME [MUST-CONTAIN]
  local code body=$OUT/peer-$1.check
  case $1 in
    kc-introspect) code=$(curl -s -o "$body" -w '%{http_code}' -H "Authorization: Basic $BASIC" --data-urlencode "token=$ACCESS" "${URL[$1]}") ;;
    pg-introspect) code=$(curl -s -o "$body" -w '%{http_code}' -H "Authorization: Bearer $GATEWAY" --data-urlencode "token=$PAT" "${URL[$1]}") ;;
    kc-userinfo) code=$(curl -s -o "$body" -w '%{http_code}' -H "Authorization: Bearer $ACCESS" "${URL[$1]}") ;;
    pg-verify) code=$(curl -s -o "$body" -w '%{http_code}' -H "Authorization: Bearer $PAT" "${URL[$1]}") ;;
    bare) code=$(curl -s -o "$body" -w '%{http_code}' "${URL[$1]}") ;;
  esac
  [ "$code" = 200 ] || { cat "$body" >&2; echo >&2; die "$1 answered $code, not 200"; }
  [ -z "${2:-}" ] || grep -qF "$2" "$body" || { cat "$body" >&2; echo >&2; die "$1: no $2 in the answer"; }
}
check kc-introspect '"active":true'
check pg-introspect '"active":true'
check kc-userinfo '"preferred_username":"bench"'
check pg-verify
check bare

# ---- load: warm-up, then ROUNDS alternating rounds; RSS sampled throughout ----
TARGETS=(kc-introspect pg-introspect kc-userinfo pg-verify bare)
start_sampler
for t in "${TARGETS[@]}"; do
  run_wrk "$t" "${URL[$t]}" "$OUT/peer-$t.lua" "$WARMUP" >/dev/null
  : > "$OUT/peer-$t.rps"; : > "$OUT/peer-$t.p99"
done
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then order=(kc-introspect pg-introspect kc-userinfo pg-verify bare)
  else order=(bare pg-verify kc-userinfo pg-introspect kc-introspect); fi
  for t in "${order[@]}"; do
    read -r rps p99 < <(run_wrk "$t" "${URL[$t]}" "$OUT/peer-$t.lua")
    echo "$rps" >> "$OUT/peer-$t.rps"; echo "$p99" >> "$OUT/peer-$t.p99"
  done
  line="round $r:"
  for t in "${TARGETS[@]}"; do line="$line $t $(tail -1 "$OUT/peer-$t.rps") req/s (p99 $(tail -1 "$OUT/peer-$t.p99") ms),"; done
  echo "${line%,}"
done
check kc-introspect '"active":true'   # still valid after the load
check pg-introspect '"active":true'
LOAD_END=$(load)
stop_sampler
cleanup

python3 - "$OUT" "$ROUNDS" "$KC_VERSION" "$KC_READY_MS" "$PG_READY_MS" "$KC_RSS_READY" "$PG_RSS_READY" \
  "$KC_JVM" "$PG_JVM" "$KC_REAUGMENTED" "wrk -t$THREADS -c$CONNECTIONS -d$DURATION" "$LOAD_START" "$LOAD_END" <<'PY'
import os, sys
out, rounds, kcv, kc_ready, pg_ready, kc_rss0, pg_rss0, kc_jvm, pg_jvm, reaug, wrk, load0, load1 = sys.argv[1:14]
def med(name, kind):
    v = sorted(float(l) for l in open(f"{out}/peer-{name}.{kind}") if l.strip())
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2
rss = {"kc": 0, "pg": 0}
for line in open(f"{out}/peer-rss.txt"):
    f = line.split()
    if len(f) == 4:
        rss["kc"] = max(rss["kc"], int(f[1])); rss["pg"] = max(rss["pg"], int(f[3]))
rps = {t: med(t, "rps") for t in ("kc-introspect", "pg-introspect", "kc-userinfo", "pg-verify", "bare")}
p99 = {t: med(t, "p99") for t in rps}
def ms(v): return f"{v:.1f} ms" if v >= 10 else f"{v:.2f} ms"
rows = [
    ("introspection req/s (RFC 7662)", f"{rps['kc-introspect']:,.0f}", f"{rps['pg-introspect']:,.0f}",
     f"{rps['pg-introspect'] / rps['kc-introspect']:.2f}"),
    ("introspection p99", ms(p99["kc-introspect"]), ms(p99["pg-introspect"]),
     f"{p99['pg-introspect'] / p99['kc-introspect']:.2f}"),
    ("per-request check req/s (KC userinfo, patgate /auth/verify)", f"{rps['kc-userinfo']:,.0f}", f"{rps['pg-verify']:,.0f}",
     f"{rps['pg-verify'] / rps['kc-userinfo']:.2f}"),
    ("per-request check p99", ms(p99["kc-userinfo"]), ms(p99["pg-verify"]),
     f"{p99['pg-verify'] / p99['kc-userinfo']:.2f}"),
    ("the machine's HTTP ceiling: nginx `return 200` req/s (the most any server here could answer)", "", f"{rps['bare']:,.0f}",
     f"{rps['bare'] / rps['kc-introspect']:.2f} (of KC introspection)"),
    ("RSS, largest under load", f"{rss['kc']:,} MiB", f"{rss['pg']:,} MiB", f"{rss['pg'] / rss['kc']:.2f}"),
    ("RSS right after ready", f"{int(kc_rss0):,} MiB", f"{int(pg_rss0):,} MiB", f"{int(pg_rss0) / int(kc_rss0):.2f}"),
    ("ready after launch", f"{int(kc_ready) / 1000:.1f} s{reaug}", f"{int(pg_ready) / 1000:.1f} s",
     f"{int(pg_ready) / int(kc_ready):.2f}"),
    ("JVM", kc_jvm, pg_jvm, ""),
]
print()
print(f"Same machine, same run: {wrk} --latency per target, {rounds} alternating rounds (req/s and p99: medians);"
      f" {os.cpu_count()} CPUs, 1-minute load average {load0} at the start, {load1} after the last round.")
print()
print(f"| | Keycloak {kcv} (start-dev, H2) | patgate (PostgreSQL) | patgate / Keycloak |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
PY
