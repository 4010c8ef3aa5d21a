#!/usr/bin/env bash
# How fast a revocation on one replica is honoured by another.
#
#   bench/replicas.sh              # 300 revocations
#   REVOCATIONS=1000 bench/replicas.sh
#
# Starts two replicas of the packaged service on one PostgreSQL database, then, for each of REVOCATIONS
# tokens: creates it on replica A, waits until replica B accepts it, revokes it on A, and polls B until B
# refuses it. Prints the time from A's 204 to B's first 401 at p50, p99 and max.
set -euo pipefail

REVOCATIONS=${REVOCATIONS:-300}
DB=${DB:-patgate_replicas}
PORT_A=${PORT_A:-18081}
PORT_B=${PORT_B:-18082}

cd "$(dirname "$0")/.."
. bench/lib.sh
ensure_tools
fresh_database "$DB"
ensure_jar
trap stop_all_services EXIT

start_service replica-a "$PORT_A"
start_service replica-b "$PORT_B"
echo "two replicas ready on :$PORT_A and :$PORT_B"
java bench/Replicas.java "http://localhost:$PORT_A" "http://localhost:$PORT_B" "$PATGATE_ADMIN_PASSWORD" "$REVOCATIONS" | tee "$OUT/replicas.txt"
