#!/usr/bin/env bash
# The rolling-deploy simulation (BENCHMARKS.md, "Rolling deploys"). From the repository root, after
# `mvn -B -q -DskipTests install`:
#   bash benchmarks/rollout.sh [--replicas R] [--clients C] [--delay-ms D] [--rollouts K]
#                              [--conn close|keepalive|sticky] [--variants a,b,...] [more flags]
# Builds benchmarks/rollout (outside the reactor) against the installed exitscope jars, then runs
# the harness, which ends with one line per variant:
#   rollout VARIANT: F failed of N requests; SIGTERM-to-exit median X ms
# Loopback only. The replicas the harness started are killed when it ends, also when it fails or
# this script is interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/rollout/target/run
mkdir -p "$out"
pids="$out/replicas.pid"
rm -f "$pids"
harness=""
cleanup() {
  if [ -n "$harness" ] && kill -0 "$harness" 2>/dev/null; then
    kill "$harness" 2>/dev/null || true
    wait "$harness" 2>/dev/null || true
  fi
  if [ -f "$pids" ]; then
    while read -r pid; do
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    done < "$pids"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== rollout: building benchmarks/rollout"
mvn -B -q -f benchmarks/rollout/pom.xml -DskipTests package
echo "== rollout: running"
java -cp benchmarks/rollout/harness/target/classes dev.exitscope.rollout.Rollout \
  --table benchmarks/rollout/variants.txt --root benchmarks/rollout --out "$out" "$@" &
harness=$!
wait "$harness"
