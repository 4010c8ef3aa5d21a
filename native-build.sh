#!/usr/bin/env bash
# Builds patgate as a native executable.
#
#   ./native-build.sh              # Quarkus native build steps, then native-image (local, or in a container)
#   ./native-build.sh --sources    # only the Quarkus steps: target/native-sources (needs just a JDK)
#
# Step 1 runs Quarkus's native build steps with a plain JDK and writes target/native-sources/
# (native-image.args, the runner jar, lib/, and graalvm.version, the GraalVM/Mandrel release to compile
# with). Step 2 compiles them: with `native-image` from the PATH when there is one of that release, or
# otherwise through Dockerfile.native (docker or podman), which builds the sources again in the Mandrel
# builder image and packs the executable into a small non-root runtime image.
set -euo pipefail
cd "$(dirname "$0")"

./mvnw -B package -DskipTests -Dnative -Dquarkus.native.sources-only=true
SOURCES=target/native-sources
echo "Quarkus native build steps done: $SOURCES (compile with GraalVM/Mandrel $(cat "$SOURCES/graalvm.version"))"
if [ "${1:-}" = "--sources" ]; then
  exit 0
fi

if command -v native-image >/dev/null 2>&1; then
  # shellcheck disable=SC2046 # the args file holds one argument per word, as Quarkus writes it
  (cd "$SOURCES" && native-image $(cat native-image.args) -J-Xmx6g)
  cp "$SOURCES"/*-runner target/
  echo "Native executable: $(ls target/*-runner)"
  exit 0
fi

ENGINE=$(command -v docker || command -v podman || true)
if [ -n "$ENGINE" ]; then
  "$ENGINE" build -f Dockerfile.native -t "${IMAGE:-patgate:native}" .
  echo "Container image ${IMAGE:-patgate:native} built (native executable inside)"
  exit 0
fi

echo "No native-image on the PATH and no docker or podman: install Mandrel or GraalVM $(cat "$SOURCES/graalvm.version")" >&2
echo "(JDK 25), or on a machine with a container engine run, from this repository" >&2
echo "  docker build -f Dockerfile.native -t patgate:native ." >&2
exit 3
