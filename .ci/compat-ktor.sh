#!/usr/bin/env bash
# A consumer of exitscope-ktor on the oldest supported Ktor compiles and runs: compat/ktor, outside
# the reactor, is built on Ktor 3.0.3 with Kotlin 2.0.21 and kotlinx.coroutines 1.9.0 (the floor
# the module is built for), then on the current versions (the Ktor of jvm-tests), and run; its
# output must be compat/ktor/expected.txt. The reactor's jars go into a throwaway local repository
# under target/compat-ktor (.ci/compat-lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/compat-lib.sh
start=$SECONDS
current_kotlin=$(sed -n 's:.*<kotlin.version>\(.*\)</kotlin.version>.*:\1:p' pom.xml | head -1)
current_ktor=$(sed -n 's:.*<ktor.version>\(.*\)</ktor.version>.*:\1:p' jvm-tests/pom.xml | head -1)
current_coroutines=$(sed -n 's:.*<coroutines.version>\(.*\)</coroutines.version>.*:\1:p' pom.xml | head -1)
compat_setup target/compat-ktor core coroutines ktor
compat_warm org.jetbrains.kotlin:kotlin-maven-plugin:2.0.21

run() { # ktor kotlin coroutines
  local label="Ktor $1, Kotlin $2, kotlinx.coroutines $3"
  local t=$SECONDS
  echo "== compat: a consumer on $label"
  compat_exec "$1" compat/ktor/pom.xml -Dktor.version="$1" -Dkotlin.version="$2" -Dcoroutines.version="$3"
  if ! diff -u compat/ktor/expected.txt "$work/$1.txt"; then
    echo "compat: the consumer on $label printed something else" >&2
    exit 1
  fi
  echo "compat: $label compiled and ran as expected in $((SECONDS - t)) s"
}
run 3.0.3 2.0.21 1.9.0
run "$current_ktor" "$current_kotlin" "$current_coroutines"
echo "compat: both Ktor consumers compiled and ran as expected ($((SECONDS - start)) s)"
