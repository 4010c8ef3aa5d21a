#!/bin/sh
# Writes app-cds.jsa beside quarkus-run.jar: the classes patgate loads at start, pre-parsed for the JVM that
# runs this script (an archive only works on the exact JVM build that wrote it; anywhere else the JVM
# ignores it and starts as usual). It starts patgate with Quarkus's AppCDS switch and a database that is not
# there: start-up stops at its first database contact, and the JVM writes the archive on the way out.
#
#   src/main/docker/class-archive.sh target/quarkus-app [java]
set -eu
app=${1:?the quarkus-app directory}
java=${2:-java}
cd "$app"
rm -f app-cds.jsa
PATGATE_KEYS_ENCRYPTION_SECRET=only-used-to-write-the-class-archive \
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:9/none \
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:9/none \
QUARKUS_FLYWAY_MIGRATE_AT_START=false \
  "$java" -Xlog:cds=off -Xlog:cds+dynamic=off -XX:ArchiveClassesAtExit=app-cds.jsa -Dquarkus.appcds.generate=true \
    -jar quarkus-run.jar >/dev/null 2>&1 || true
test -s app-cds.jsa || { echo "no class archive was written" >&2; exit 1; }
echo "wrote $app/app-cds.jsa ($(du -k app-cds.jsa | cut -f1) KiB)"
