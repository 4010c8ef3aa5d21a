# Shared by the benchmarks: tools, a throwaway database on the local PostgreSQL, the packaged service.
# Source it from bench/*.sh after `set -euo pipefail` and `cd` to the repository.

OUT=bench/out
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null 2>&1; }

ensure_tools() {
  if ! need wrk || ! need psql || ! need nginx || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "installing wrk, nginx and postgresql from Debian..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light postgresql >/dev/null
  fi
}

# nginx answering `return 200` on port $1 with $2 worker processes (default 2): the bare HTTP ceiling of this machine,
# beside the service. On 2 cores one worker measures higher: a second one fights wrk for the cores.
start_bare_nginx() {
  local port=$1 workers=${2:-2} dir
  dir=$(mktemp -d)
  BARE_DIR=$dir
  cat > "$dir/nginx.conf" <<CONF
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir;
  server { listen 127.0.0.1:$port; location / { return 200; } }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir"
}

stop_bare_nginx() {
  [ -n "${BARE_DIR:-}" ] && [ -f "$BARE_DIR/nginx.pid" ] && kill "$(cat "$BARE_DIR/nginx.pid")" 2>/dev/null || true
}

# Creates (afresh) database $1 owned by role patgate_bench on the first local cluster; sets PGPORT.
# With a second argument "keep", an existing database of that name is kept as it is.
# With PGPORT already set, the server listening there is used instead (PGHOST for its socket directory, if not the default).
fresh_database() {
  local db=$1 keep=${2:-} cluster
  if [ -z "${PGPORT:-}" ]; then
    cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
    [ -n "$cluster" ] || { echo "no PostgreSQL cluster found (pg_lsclusters)"; exit 1; }
    pg_ctlcluster $cluster start 2>/dev/null || true
    PGPORT=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
    # the change feed is logical replication: without it the service refuses to start (docs/scale-out.md)
    if [ "$(psql_as "-c 'show wal_level'")" != logical ]; then
      echo "setting wal_level=logical on cluster $cluster (a restart of it)"
      psql_as "-c \"alter system set wal_level = logical\"" >/dev/null
      pg_ctlcluster $cluster restart
    fi
  fi
  [ "$keep" = keep ] || psql_as "-c \"drop database if exists $db\"" >/dev/null
  psql_as "-c \"do \\\$\\\$ begin if not exists (select from pg_roles where rolname='patgate_bench') then create role patgate_bench login password 'bench'; end if; end \\\$\\\$\"" >/dev/null
  psql_as "-c \"alter role patgate_bench replication\"" >/dev/null # its temporary slot per replica
  if [ "$(psql_as "-c \"select count(*) from pg_database where datname = '$db'\"")" = 0 ]; then
    psql_as "-c \"create database $db owner patgate_bench\"" >/dev/null
  fi
  export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:$PGPORT/$db
  export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:$PGPORT/$db
  export QUARKUS_DATASOURCE_USERNAME=patgate_bench
  export QUARKUS_DATASOURCE_PASSWORD=bench
  export PATGATE_KEYS_ENCRYPTION_SECRET=bench-only-secret-0123456789abcdef0123
  export PATGATE_ADMIN_PASSWORD=bench-admin-password
}

psql_as() { su postgres -c "psql -p $PGPORT -X -q -t -A $*"; }

JAR=target/quarkus-app/quarkus-run.jar
# The JVM that runs the service: the container image's (Java 25) when this machine has it, else `java`.
PATGATE_JAVA=${PATGATE_JAVA:-$(ls /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
PATGATE_JAVA=${PATGATE_JAVA:-java}
ensure_jar() {
  [ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
  # the start-up archive of src/main/docker/Dockerfile.jvm, for this JVM, written again whenever the application is newer
  local opts=target/quarkus-app/archive.options
  if [ -z "${PATGATE_JAVA_OPTS+set}" ] && { [ ! -f $opts ] || [ "$JAR" -nt $opts ] \
       || [ "$("$PATGATE_JAVA" -version 2>&1 | head -1)" != "$(cat target/quarkus-app/archive.jvm 2>/dev/null)" ] \
       || [ -n "$(find target/quarkus-app/app target/quarkus-app/lib -newer $opts -print -quit)" ]; }; then
    src/main/docker/class-archive.sh target/quarkus-app "$PATGATE_JAVA"
  fi
  # the options of the container image (Dockerfile.jvm's JAVA_OPTS and its archive; MALLOC_ARENA_MAX=2 as there), in a pod with a 512 MiB
  # memory limit; set PATGATE_JAVA_OPTS to run with other options (an empty value: the JVM's defaults)
  PATGATE_JAVA_OPTS=${PATGATE_JAVA_OPTS-"$(sed -n 's/^ENV JAVA_OPTS="\(.*\)"$/\1/p' src/main/docker/Dockerfile.jvm) $(cat $opts) -XX:MaxRAM=512m"}
  # the image's Java is 25; an older JVM does not know -XX:TrimNativeHeapInterval (Java 22+)
  if [ "$("$PATGATE_JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')" -lt 22 ]; then
    PATGATE_JAVA_OPTS=$(echo "$PATGATE_JAVA_OPTS" | sed 's/-XX:TrimNativeHeapInterval=[0-9]*//')
  fi
}

# start_service NAME PORT: starts the packaged service in the background, the API on PORT and health and
# metrics on PORT+1000 (the management interface; management_url PORT gives its address); its pid goes to
# PIDS[NAME], and READY_MS is how long it took to become ready.
declare -A PIDS
management_url() { echo "http://localhost:$(($1 + 1000))"; }
start_service() {
  local name=$1 port=$2 t0
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # options are words
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$((port + 1000)) MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$PATGATE_JAVA" $PATGATE_JAVA_OPTS -jar "$JAR" > "$OUT/$name.log" 2>&1 &
  PIDS[$name]=$!
  for _ in $(seq 1 1200); do
    kill -0 "${PIDS[$name]}" 2>/dev/null || { echo "$name stopped before it was ready; see $OUT/$name.log" >&2; tail -3 "$OUT/$name.log" >&2; exit 1; }
    if curl -sf "$(management_url "$port")/q/health/ready" >/dev/null 2>&1; then
      READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
      return
    fi
    sleep 0.05
  done
  echo "$name did not become ready; see $OUT/$name.log" >&2
  exit 1
}

stop_service() {
  local pid=${PIDS[$1]:-}
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  PIDS[$1]=
}

stop_all_services() {
  for name in "${!PIDS[@]}"; do stop_service "$name"; done
}

json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
