#!/bin/sh
# Prepares patgate's start-up for the JVM that runs this script, beside quarkus-run.jar: on Java 25 and
# later an AOT cache (app.aot: classes loaded and linked, with profiles), before that a class archive
# (app-cds.jsa). Either only works on the exact JVM build that wrote it (anywhere else the JVM ignores it
# and starts as usual). It also writes archive.options, the JVM options that use it.
#
# The training run starts patgate with Quarkus's AppCDS switch and a database that is not there: start-up
# stops at its first database contact, and the JVM writes what it learnt on the way out.
#
#   src/main/docker/class-archive.sh target/quarkus-app [java]
set -eu
app=${1:?the quarkus-app directory}
java=${2:-java}
cd "$app"
dir=$(pwd)
rm -f app.aot app-cds.jsa archive.options
major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${major:-0}" -ge 25 ]; then
  file=app.aot record="-XX:AOTCacheOutput=$dir/app.aot" use="-XX:AOTCache=$dir/app.aot -Xlog:aot=off -Xlog:cds=off"
else
  file=app-cds.jsa record="-XX:ArchiveClassesAtExit=$dir/app-cds.jsa" use="-XX:SharedArchiveFile=$dir/app-cds.jsa -Xlog:cds=off"
fi
PATGATE_KEYS_ENCRYPTION_SECRET=only-used-to-write-the-class-archive \
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:9/none \
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:9/none \
QUARKUS_FLYWAY_MIGRATE_AT_START=false \
  "$java" -Xlog:cds=off -Xlog:cds+dynamic=off -Xlog:aot=off "$record" -Dquarkus.appcds.generate=true \
    -jar quarkus-run.jar >/dev/null 2>&1 || true
test -s "$file" || { echo "no class archive was written" >&2; exit 1; }
echo "$use" > archive.options
"$java" -version 2>&1 | head -1 > archive.jvm   # the JVM the archive is for
echo "wrote $dir/$file ($(du -k "$file" | cut -f1) KiB) for Java $major"
