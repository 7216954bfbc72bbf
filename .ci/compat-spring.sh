#!/usr/bin/env bash
# Spring Boot consumers compile and run against exitscope-spring-boot: compat/spring, an
# application outside the reactor, is built on Spring Boot 3.5.7 (the floor the module is compiled
# against) and on 4.0.7 (whose jars moved many classes: the module names none of them), and run;
# its output must be compat/spring/expected.txt (the exit's steps in their order, and what the
# pre-wait did to readiness and to connections). The reactor's jars go into a throwaway local
# repository under target/compat-spring (.ci/compat-lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/compat-lib.sh
start=$SECONDS
compat_setup target/compat-spring core spring-boot

run() { # spring-boot version
  local t=$SECONDS
  echo "== compat: a Spring Boot $1 application"
  compat_exec "$1" compat/spring/pom.xml -Dspring-boot.version="$1"
  # First the version it ran on, then the lines both versions print alike.
  if [ "$(head -1 "$work/$1.txt")" != "Spring Boot $1" ] ||
    ! diff -u compat/spring/expected.txt <(tail -n +2 "$work/$1.txt"); then
    echo "compat: the application on Spring Boot $1 printed something else" >&2
    exit 1
  fi
  echo "compat: Spring Boot $1 compiled and ran as expected in $((SECONDS - t)) s"
}
run 3.5.7
run 4.0.7
echo "compat: both applications compiled and ran as expected ($((SECONDS - start)) s)"
