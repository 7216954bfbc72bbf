#!/usr/bin/env bash
# Kotlin consumers on the oldest supported versions compile and run against exitscope-coroutines:
# compat/kotlin, a consumer outside the reactor, is built on Kotlin 2.0.21 with kotlinx.coroutines
# 1.8.0 (the floor the module is built for), then on the reactor's current versions, and run; its
# output must be compat/kotlin/expected.txt. The reactor's jars go into a throwaway local repository
# under target/compat-kotlin (.ci/compat-lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/compat-lib.sh
start=$SECONDS
current_kotlin=$(sed -n 's:.*<kotlin.version>\(.*\)</kotlin.version>.*:\1:p' pom.xml | head -1)
current_coroutines=$(sed -n 's:.*<coroutines.version>\(.*\)</coroutines.version>.*:\1:p' pom.xml | head -1)
compat_setup target/compat-kotlin core coroutines
compat_warm org.jetbrains.kotlin:kotlin-maven-plugin:2.0.21

run() { # kotlin coroutines
  local label="Kotlin $1, kotlinx.coroutines $2"
  local t=$SECONDS
  echo "== compat: a consumer on $label"
  compat_exec "$1" compat/kotlin/pom.xml -Dkotlin.version="$1" -Dcoroutines.version="$2"
  if ! diff -u compat/kotlin/expected.txt "$work/$1.txt"; then
    echo "compat: the consumer on $label printed something else" >&2
    exit 1
  fi
  echo "compat: $label compiled and ran as expected in $((SECONDS - t)) s"
}
run 2.0.21 1.8.0
run "$current_kotlin" "$current_coroutines"
echo "compat: both consumers compiled and ran as expected ($((SECONDS - start)) s)"
