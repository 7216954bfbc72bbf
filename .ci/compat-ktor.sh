#!/usr/bin/env bash
# A consumer of exitscope-ktor on the oldest supported Ktor compiles and runs: compat/ktor, outside
# the reactor, is built on Ktor 3.0.3 with Kotlin 2.0.21 and kotlinx.coroutines 1.9.0 (the floor
# the module is built for), then on the current versions (the Ktor of jvm-tests), and run; its
# output must be compat/ktor/expected.txt. Like .ci/compat-kotlin.sh, which it follows.
#
# The reactor's core, coroutines and ktor jars (and the parent POM) are installed into a throwaway
# local repository under target/compat-ktor; it reads everything else from the local repository
# (~/.m2, or the one MAVEN_OPTS names) as a file repository, and from Maven Central for what that
# lacks. Run after `mvn verify` (or `package`): it packages the modules itself when jars are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
current_kotlin=$(sed -n 's:.*<kotlin.version>\(.*\)</kotlin.version>.*:\1:p' pom.xml | head -1)
current_ktor=$(sed -n 's:.*<ktor.version>\(.*\)</ktor.version>.*:\1:p' jvm-tests/pom.xml | head -1)
current_coroutines=$(sed -n 's:.*<coroutines.version>\(.*\)</coroutines.version>.*:\1:p' pom.xml | head -1)
core=core/target/exitscope-core-$version.jar
coroutines=coroutines/target/exitscope-coroutines-$version.jar
ktor=ktor/target/exitscope-ktor-$version.jar
if [ ! -f "$core" ] || [ ! -f "$coroutines" ] || [ ! -f "$ktor" ]; then
  mvn -B -q -pl core,coroutines,ktor -am package -DskipTests
fi
warm=$(echo "${MAVEN_OPTS:-}" | sed -n 's/.*-Dmaven.repo.local=\([^ ]*\).*/\1/p')
warm=${warm:-$HOME/.m2/repository}

# The floor's compiler comes into ~/.m2 like any dependency (once), so that the throwaway
# repository copies it from there instead of fetching it on every run.
if [ ! -d "$warm/org/jetbrains/kotlin/kotlin-maven-plugin/2.0.21" ]; then
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
    -Dartifact=org.jetbrains.kotlin:kotlin-maven-plugin:2.0.21
fi

work=target/compat-ktor
repo=$PWD/$work/m2
rm -rf "$repo/dev/exitscope" # only this run's jars; what was copied from ~/.m2 stays
mkdir -p "$repo"
cat > "$work/settings.xml" <<XML
<settings>
  <profiles>
    <profile>
      <id>warm-cache</id>
      <repositories>
        <repository><id>warm-cache</id><url>file://$warm</url></repository>
      </repositories>
      <pluginRepositories>
        <pluginRepository><id>warm-cache</id><url>file://$warm</url></pluginRepository>
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
"${m2[@]}" -N $install -Dfile="$ktor" -DpomFile=ktor/pom.xml

run() { # ktor kotlin coroutines
  local label="Ktor $1, Kotlin $2, kotlinx.coroutines $3"
  local t=$SECONDS
  echo "== compat: a consumer on $label"
  "${m2[@]}" -f compat/ktor/pom.xml clean process-classes \
    org.codehaus.mojo:exec-maven-plugin:3.5.1:exec \
    -Dktor.version="$1" -Dkotlin.version="$2" -Dcoroutines.version="$3" -Dexitscope.version="$version" \
    > "$work/$1.out" || { cat "$work/$1.out"; exit 1; }
  # The program's lines: no Maven log lines, no terminal colour codes, no empty lines.
  sed 's/\x1b\[[0-9;]*m//g' "$work/$1.out" | grep -v -e '^\[' -e '^$' > "$work/$1.txt" || true
  if ! diff -u compat/ktor/expected.txt "$work/$1.txt"; then
    echo "compat: the consumer on $label printed something else" >&2
    exit 1
  fi
  echo "compat: $label compiled and ran as expected in $((SECONDS - t)) s"
}
run 3.0.3 2.0.21 1.9.0
run "$current_ktor" "$current_kotlin" "$current_coroutines"
echo "compat: both Ktor consumers compiled and ran as expected ($((SECONDS - start)) s)"
