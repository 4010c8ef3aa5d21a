#!/usr/bin/env bash
# The per-request check against the machine's ceiling: nginx at its best here (one worker, access_log off), and,
# optionally, another build of patgate side by side in the same run.
#
#   bench/limit.sh                                   # this build (target/quarkus-app)
#   BUILDS="main=/tmp/main/quarkus-app new=target/quarkus-app" bench/limit.sh
#                                                    # several builds side by side, interleaved round by round
#   PROFILE=1 bench/limit.sh                         # and a JFR recording of the first build under load, summarised
#   WORKLOADS="one rotate" bench/limit.sh            # only these workloads (and bare nginx)
#
# One database (TOKENS personal access tokens of one account, all in every replica's memory) and each build started
# on it (the first on PORT, the next on PORT+1, ...: replicas of one database); then ROUNDS times, each target of
# each build in turn, a wrk run (THREADS threads, CONNECTIONS connections, DURATION) against
#   bare        GET /                   nginx `return 200`, 1 worker, access_log off: the ceiling of this machine
#   verify      GET /auth/verify        one PAT in a static header
#   introspect  POST /oauth/introspect  a gateway's PAT asks about that PAT (RFC 7662)
#   one         GET /auth/verify        one PAT, through the Lua script that rotates tokens (the same wrk cost as below)
#   rotate      GET /auth/verify        TOKENS distinct PATs in rotation, from a file, by that script
# It prints each target's median requests/s, min and max over the rounds, its ratio to bare nginx, rotate as a ratio
# of one, each build's figures as ratios of the first build's, and each build's largest RSS while under load.
#
# The TOKENS rotated tokens are written straight into the database: values shaped like a PAT (its prefix and length)
# whose SHA-256 digests are the rows' digests. A PAT whose digest is held is judged by that digest alone (one hash, one
# look-up, see CredentialVerifier), so these are judged exactly as issued PATs are; their signatures are never read.
# Needs wrk, nginx, PostgreSQL (bench/lib.sh installs them from Debian when missing). PGPORT (and PGHOST) to use a
# running PostgreSQL server instead of the first local cluster.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT=${PORT:-18080}
BARE_PORT=${BARE_PORT:-18099}
TOKENS=${TOKENS:-100000}
DB=${DB:-patgate_limit}
BUILDS=${BUILDS:-"this=target/quarkus-app"}
PROFILE=${PROFILE:-}
ARCHIVE=${ARCHIVE:-1} # 0: no start-up archive (class-archive.sh takes minutes on a loaded machine; throughput is the same)

cd "$(dirname "$0")/.."
. bench/lib.sh
ensure_tools
fresh_database "$DB"
if [ "$ARCHIVE" = 0 ] && [ -z "${PATGATE_JAVA_OPTS+set}" ]; then
  PATGATE_JAVA_OPTS="$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm) -XX:MaxRAM=512m"
fi
ensure_jar
BASE=http://localhost:$PORT
start_bare_nginx "$BARE_PORT" 1
trap 'stop_all_services; stop_bare_nginx' EXIT

# the container image's options without this build's class archive; each build gets its own archive below
JAVA_BASE_OPTS=$(echo "$PATGATE_JAVA_OPTS" | sed 's/-XX:AOTCache=[^ ]*//; s/-XX:SharedArchiveFile=[^ ]*//')
export PATGATE_STATE_MAX_TOKENS=$((TOKENS + 1000)) # every rotated token held: this measures the hot path
start_app() { # NAME PORT QUARKUS_APP_DIR [extra JVM options]: starts it, and waits for it (wait_ready) unless NOWAIT is set
  local name=$1 port=$2 dir=$3 extra=${4:-} t0 archive=""
  if [ "$ARCHIVE" = 1 ]; then
    [ -f "$dir/archive.options" ] && [ "$dir/quarkus-run.jar" -ot "$dir/archive.options" ] || src/main/docker/class-archive.sh "$dir" "$PATGATE_JAVA"
    archive=$(cat "$dir/archive.options")
  fi
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # options are words
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$((port + 1000)) MALLOC_ARENA_MAX=2 \
    "$PATGATE_JAVA" $JAVA_BASE_OPTS $archive $extra -jar "$dir/quarkus-run.jar" > "$OUT/$name.log" 2>&1 &
  PIDS[$name]=$!
  STARTED[$name]=$t0
  [ -n "${NOWAIT:-}" ] || wait_ready "$name" "$port"
}
declare -A STARTED
wait_ready() { # NAME PORT
  for _ in $(seq 1 12000); do
    kill -0 "${PIDS[$1]}" 2>/dev/null || { echo "$1 stopped before it was ready; see $OUT/$1.log" >&2; tail -3 "$OUT/$1.log" >&2; exit 1; }
    command curl -sf "$(management_url "$2")/q/health/ready" >/dev/null 2>&1 && { echo "$1 ready in $((($(date +%s%N) - STARTED[$1]) / 1000000)) ms"; return; }
    sleep 0.05
  done
  echo "$1 did not become ready; see $OUT/$1.log" >&2
  exit 1
}

JFR_OPTS=""
[ -n "$PROFILE" ] && JFR_OPTS="-XX:StartFlightRecording=filename=$PWD/$OUT/check.jfr,settings=profile,dumponexit=true"
NAMES=(); DIRS=()
for b in $BUILDS; do NAMES+=("${b%%=*}"); DIRS+=("${b#*=}"); done
start_app "${NAMES[0]}" "$PORT" "${DIRS[0]}"
# a busy machine answers set-up calls slowly: each is retried (a retried creation may make a second token: harmless)
curl() { command curl --retry 6 --retry-delay 3 --retry-all-errors --max-time 120 "$@"; }
ADMIN=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d '{"username":"admin","password":"bench-admin-password"}' | json '["token"]')
for who in bench:deploy gateway:introspect; do
  curl -sf "$BASE/api/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
       -d "{\"username\":\"${who%%:*}\",\"password\":\"${who%%:*}-bench-password\",\"roles\":[\"${who##*:}\"]}" >/dev/null || true
done
login() { curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"$1-bench-password\"}" | json '["token"]'; }
PAT=$(curl -sf "$BASE/api/v1/tokens" -H "Authorization: Bearer $(login bench)" -H 'Content-Type: application/json' \
      -d '{"name":"bench","scopes":["deploy"]}' | json '["token"]')
GATEWAY=$(curl -sf "$BASE/api/v1/tokens" -H "Authorization: Bearer $(login gateway)" -H 'Content-Type: application/json' \
      -d '{"name":"gateway"}' | json '["token"]')
# TOKENS more PATs of the bench account: PAT-shaped values (prefix, length), digests in the table, values in a file
psql_as "-d $DB -v ON_ERROR_STOP=1" >/dev/null <<SQL
create table if not exists bench_rotation (g int primary key, value text not null);
truncate bench_rotation;
insert into bench_rotation select g, left('${PAT:0:48}' || repeat(encode(sha256(('rotation-' || g || '-' || random())::bytea), 'hex'), 8), ${#PAT})
  from generate_series(1, $TOKENS) g;
insert into access_token (id, user_id, name, scopes, allowed_cidrs, digest, created_at, updated_at, issued_at, expires_at)
  select gen_random_uuid(), (select id from app_user where username = 'bench'), 'rotation-' || g, '{deploy}', '{}',
         sha256(convert_to(value, 'UTF8')), now(), now(), now(), now() + interval '30 days'
  from bench_rotation;
SQL
psql_as "-d $DB -c \"select value from bench_rotation order by g\"" > "$OUT/rotation.txt"
echo "$PAT" > "$OUT/one.txt"
psql_as "-d $DB -c \"drop table bench_rotation\"" >/dev/null
cat > "$OUT/rotate.lua" <<'LUA'
-- GET with a bearer token taken in turn from the file in TOKENS_FILE, each thread starting at a random place. Every
-- request is formatted once, before the run: formatting one per request allocates, and Lua's collector then walks all
-- the tokens held, so with 100,000 of them wrk itself took 22.9 µs of CPU a request against 15.5 µs with one, on the
-- two cores the service needs (the service's own CPU is what this compares; see the CPU table).
local requests, n = {}, 0
local i = 0
function init(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    requests[#requests + 1] = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. line })
  end
  n = #requests
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)); i = math.random(n)
end
function request()
  i = i % n + 1
  return requests[i]
end
LUA
cat > "$OUT/introspect.lua" <<LUA
wrk.method = "POST"
wrk.body = "token=$PAT"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer $GATEWAY"
LUA
# restart: the working set (every rotated token) is read at start, as a replica's would be
stop_service "${NAMES[0]}"
for i in "${!NAMES[@]}"; do # started together, to be ready sooner on a busy machine
  NOWAIT=1 start_app "${NAMES[$i]}" $((PORT + i)) "${DIRS[$i]}" "$([ "$i" = 0 ] && echo "$JFR_OPTS")"
done
for i in "${!NAMES[@]}"; do wait_ready "${NAMES[$i]}" $((PORT + i)); done
TARGETS="${NAMES[*]}"
for t in $TARGETS; do
  for _ in $(seq 1 1200); do grep -q "Working set warmed" "$OUT/$t.log" && break; sleep 0.1; done
  grep -o "Working set warmed: [0-9]* of [0-9]*" "$OUT/$t.log" | tail -1 | sed "s/^/$t: /"
done

port_of() { local i; for i in "${!NAMES[@]}"; do [ "${NAMES[$i]}" = "$1" ] && echo $((PORT + i)); done; }
# wrk_run NAME URL [wrk options...]: requests/s; any non-2xx answer stops the bench
# Also writes OUT/cpu-NAME.txt: the requests made, then the CPU time (ms) the service on that URL's port, PostgreSQL and
# wrk each used in the run.
wrk_run() {
  local name=$1 url=$2 port pid="" before after wrk_cpu t; shift 2
  port=${url#http://localhost:}; port=${port%%/*}
  for t in "${!PIDS[@]}"; do [ "$(port_of "$t")" = "$port" ] && pid=${PIDS[$t]}; done
  before="$(ticks ${pid:-}) $(ticks $(pgrep -x postgres))"
  wrk_cpu=$( { TIMEFORMAT='%U %S'; time wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url" > "$OUT/wrk-$name.txt"; } 2>&1 )
  after="$(ticks ${pid:-}) $(ticks $(pgrep -x postgres))"
  echo "$before $after $wrk_cpu" | awk -v n="$(awk '/requests in/ {print $1}' "$OUT/wrk-$name.txt")" \
    '{printf "%d %d %d %d\n", n, ($3-$1)*1000/'"$HZ"', ($4-$2)*1000/'"$HZ"', ($5+$6)*1000}' > "$OUT/cpu-$name.txt"
  ! grep -q "Non-2xx" "$OUT/wrk-$name.txt" || { echo "$name: $(grep Non-2xx "$OUT/wrk-$name.txt")" >&2; exit 1; }
  awk '/Requests\/sec/ {print $2}' "$OUT/wrk-$name.txt"
}
HZ=$(getconf CLK_TCK)
ticks() { # PID...: their user and system CPU time so far, in clock ticks (0 for none)
  local sum=0 p
  for p in "$@"; do [ -r "/proc/$p/stat" ] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$sum"
}
target() { # build workload: requests/s of one run
  local base=http://localhost:$(port_of "$1")
  case $2 in
    verify) wrk_run "$1-$2" "$base/auth/verify" -H "Authorization: Bearer $PAT" ;;
    introspect) wrk_run "$1-$2" "$base/oauth/introspect" -s "$OUT/introspect.lua" ;;
    one) TOKENS_FILE=$OUT/one.txt wrk_run "$1-$2" "$base/auth/verify" -s "$OUT/rotate.lua" ;;
    rotate) TOKENS_FILE=$OUT/rotation.txt wrk_run "$1-$2" "$base/auth/verify" -s "$OUT/rotate.lua" ;;
  esac
}
# the largest RSS of each build while wrk runs, sampled every half second
rss_watch() { local name=$1 pid=$2 max=0 r; while kill -0 "$pid" 2>/dev/null; do r=$(ps -o rss= -p "$pid" | tr -d ' '); [ "${r:-0}" -gt "$max" ] && max=$r && echo "$max" > "$OUT/rss-$name"; sleep 0.5; done; }
RSS_PIDS=()
for t in $TARGETS; do echo 0 > "$OUT/rss-$t"; rss_watch "$t" "${PIDS[$t]}" & RSS_PIDS+=($!); done

WORKLOADS=${WORKLOADS:-"verify introspect one rotate"}
echo "warming up..."
for t in $TARGETS; do for w in $WORKLOADS; do DURATION=5s target "$t" "$w" >/dev/null; done; done
: > "$OUT/results.txt"; : > "$OUT/cpu.txt"
for r in $(seq 1 "$ROUNDS"); do
  line="round $r: bare $(wrk_run bare "http://localhost:$BARE_PORT/")"
  echo "bare bare $(awk '/Requests\/sec/ {print $2}' "$OUT/wrk-bare.txt")" >> "$OUT/results.txt"
  for w in $WORKLOADS; do
    for t in $TARGETS; do
      rps=$(target "$t" "$w"); echo "$t $w $rps" >> "$OUT/results.txt"; line="$line, $t $w $rps"
      echo "$t $w $rps $(cat "$OUT/cpu-$t-$w.txt")" >> "$OUT/cpu.txt"
    done
  done
  echo "$line"
done
kill "${RSS_PIDS[@]}" 2>/dev/null || true
RSS=""; for t in $TARGETS; do RSS="$RSS $t=$(( $(cat "$OUT/rss-$t") / 1024 ))"; done

python3 - "$OUT/results.txt" "$TOKENS" "$TARGETS" "$RSS" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
tokens, builds = int(sys.argv[2]), sys.argv[3].split()
rss = dict(kv.split("=") for kv in sys.argv[4].split())
runs = {}
for t, w, rps in rows:
    runs.setdefault((t, w), []).append(float(rps))
med = {k: statistics.median(v) for k, v in runs.items()}
bare = med[("bare", "bare")]
names = {"verify": "/auth/verify, one PAT", "introspect": "/oauth/introspect", "one": "/auth/verify, one PAT by the Lua script",
         "rotate": f"/auth/verify, {tokens:,} PATs in rotation"}
first = builds[0]
print()
print("| target | " + " | ".join(f"{b}: req/s median (min-max); of nginx" for b in builds) + " | " +
      " | ".join(f"{b} / {first}" for b in builds[1:]) + (" |" if len(builds) > 1 else ""))
print("|---|" + "---|" * (2 * len(builds) - 1))
v = runs[("bare", "bare")]
print(f"| nginx `return 200`, 1 worker, access_log off | {bare:,.0f} ({min(v):,.0f}-{max(v):,.0f}) |" + " |" * (2 * len(builds) - 2))
for w in [w for w in ("verify", "introspect", "one", "rotate") if (first, w) in med]:
    cells = [f"{med[(b, w)]:,.0f} ({min(runs[(b, w)]):,.0f}-{max(runs[(b, w)]):,.0f}); {med[(b, w)] / bare:.2f}" for b in builds]
    cells += [f"{med[(b, w)] / med[(first, w)]:.2f}" for b in builds[1:]]
    print(f"| {names[w]} | " + " | ".join(cells) + " |")
print()
for b in builds if (first, "rotate") in med and (first, "one") in med else []:
    print(f"{b}: {tokens:,} tokens in rotation / one token (same Lua script): {med[(b, 'rotate')] / med[(b, 'one')]:.2f}; "
          f"largest RSS under load {rss[b]} MiB")
PY
python3 - "$OUT/cpu.txt" <<'PY'
import statistics, sys
per = {}
for line in open(sys.argv[1]):
    t, w, rps, n, service, postgres, wrk = line.split()
    n = max(int(n), 1)
    per.setdefault((t, w), []).append((1000 * int(service) / n, 1000 * int(postgres) / n, 1000 * int(wrk) / n))
print()
print("CPU per request, µs (median over the rounds):")
print("| build | workload | service | PostgreSQL | wrk |")
print("|---|---|---|---|---|")
for (t, w), v in per.items():
    print(f"| {t} | {w} | " + " | ".join(f"{statistics.median(x[i] for x in v):.1f}" for i in range(3)) + " |")
PY

if [ -n "$PROFILE" ]; then
  jcmd "${PIDS[${NAMES[0]}]}" JFR.dump name=1 filename="$PWD/$OUT/check.jfr" >/dev/null
  echo
  echo "JFR execution samples of ${NAMES[0]} (every round above), by top frame and by frame anywhere in the stack:"
  jfr print --events jdk.ExecutionSample --stack-depth 64 "$OUT/check.jfr" | python3 -c '
import collections, re, sys
top, anywhere, n, stack = collections.Counter(), collections.Counter(), 0, None
for line in sys.stdin:
    s = line.strip()
    if s.startswith("stackTrace = ["):
        stack = []
    elif stack is not None and s == "]":
        if stack:
            n += 1; top[stack[0]] += 1
            for f in set(stack): anywhere[f] += 1
        stack = None
    elif stack is not None and s and s != "...":
        stack.append(re.sub(r"\s+line:.*", "", s))
print(f"{n} samples")
for title, c in (("self (top frame)", top), ("total (anywhere)", anywhere)):
    print(f"-- {title}")
    for f, k in c.most_common(40): print(f"{100 * k / max(n, 1):5.1f}%  {f}")
' | tee "$OUT/profile.txt"
fi
