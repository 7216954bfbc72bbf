#!/usr/bin/env bash
# Kotlin consumers on the oldest supported versions compile and run against exitscope-coroutines:
# compat/kotlin, a consumer outside the reactor, is built on Kotlin 2.0.21 with kotlinx.coroutines
# 1.8.0 (the floor the module is built for), then on the reactor's current versions, and run; its
# output must be compat/kotlin/expected.txt.
#
# The reactor's core and coroutines jars (and the parent POM) are installed into a throwaway local
# repository under target/compat-kotlin, never into ~/.m2. That repository reads everything else
# from ~/.m2 as a file repository (so nothing is fetched twice), and from Maven Central for what
# ~/.m2 lacks (the floor's compiler, the first time). Run after `mvn verify` (or `package`): it
# packages the two modules itself when their jars are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
current_kotlin=$(sed -n 's:.*<kotlin.version>\(.*\)</kotlin.version>.*:\1:p' pom.xml | head -1)
current_coroutines=$(sed -n 's:.*<coroutines.version>\(.*\)</coroutines.version>.*:\1:p' pom.xml | head -1)
core=core/target/exitscope-core-$version.jar
coroutines=coroutines/target/exitscope-coroutines-$version.jar
if [ ! -f "$core" ] || [ ! -f "$coroutines" ]; then
  mvn -B -q -pl core,coroutines -am package -DskipTests
fi

# The floor's compiler comes into ~/.m2 like any dependency (once), so that the throwaway
# repository copies it from there instead of fetching it on every run.
if [ ! -d "$HOME/.m2/repository/org/jetbrains/kotlin/kotlin-maven-plugin/2.0.21" ]; then
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
    -Dartifact=org.jetbrains.kotlin:kotlin-maven-plugin:2.0.21
fi

work=target/compat-kotlin
repo=$PWD/$work/m2
rm -rf "$repo/dev/exitscope" # only this run's jars; what was copied from ~/.m2 stays
mkdir -p "$repo"
cat > "$work/settings.xml" <<XML
<settings>
  <profiles>
    <profile>
      <id>warm-cache</id>
      <repositories>
        <repository><id>warm-cache</id><url>file://$HOME/.m2/repository</url></repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository><id>warm-cache</id><url>file://$HOME/.m2/repository</url></pluginRepository>
      </pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>warm-cache</activeProfile></activeProfiles>
</settings>
XML
m2=(mvn -B -q -Dstyle.color=never -s "$work/settings.xml" -Dmaven.repo.local="$repo")
install=org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file
"${m2[@]}" -N $install -Dfile=pom.xml -DpomFile=pom.xml
"${m2[@]}" -N $install -Dfile="$core" -DpomFile=core/pom.xml
"${m2[@]}" -N $install -Dfile="$coroutines" -DpomFile=coroutines/pom.xml

run() { # kotlin coroutines
  local label="Kotlin $1, kotlinx.coroutines $2"
  local t=$SECONDS
  echo "== compat: a consumer on $label"
  "${m2[@]}" -f compat/kotlin/pom.xml clean process-classes \
    org.codehaus.mojo:exec-maven-plugin:3.5.1:exec \
    -Dkotlin.version="$1" -Dcoroutines.version="$2" -Dexitscope.version="$version" \
    > "$work/$1.out" || { cat "$work/$1.out"; exit 1; }
  # The program's lines: no Maven log lines, no terminal colour codes, no empty lines.
  sed 's/\x1b\[[0-9;]*m//g' "$work/$1.out" | grep -v -e '^\[' -e '^$' > "$work/$1.txt" || true
  if ! diff -u compat/kotlin/expected.txt "$work/$1.txt"; then
    echo "compat: the consumer on $label printed something else" >&2
    exit 1
  fi
  echo "compat: $label compiled and ran as expected in $((SECONDS - t)) s"
}
run 2.0.21 1.8.0
run "$current_kotlin" "$current_coroutines"
echo "compat: both consumers compiled and ran as expected ($((SECONDS - start)) s)"
