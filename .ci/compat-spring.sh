#!/usr/bin/env bash
# Spring Boot consumers compile and run against exitscope-spring-boot: compat/spring, an
# application outside the reactor, is built on Spring Boot 3.5.7 (the floor the module is compiled
# against) and on 4.0.7 (whose jars moved many classes: the module names none of them), and run;
# its output must be compat/spring/expected.txt (the exit's steps in their order, and what the
# pre-wait did to readiness and to connections).
#
# As .ci/compat-kotlin.sh: the reactor's core and spring-boot jars (and the parent POM) go into a
# throwaway local repository under target/compat-spring, which reads everything else from the
# local repository in use (-Dmaven.repo.local in MAVEN_OPTS, else ~/.m2) as a file repository, and
# from Maven Central for what that lacks (Spring Boot 4.0's jars, the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
core=core/target/exitscope-core-$version.jar
spring=spring-boot/target/exitscope-spring-boot-$version.jar
if [ ! -f "$core" ] || [ ! -f "$spring" ]; then
  mvn -B -q -pl core,spring-boot -am package -DskipTests
fi
warm=$(sed -n 's/.*-Dmaven\.repo\.local=\([^ ]*\).*/\1/p' <<<"${MAVEN_OPTS:-}")
warm=${warm:-$HOME/.m2/repository}

work=target/compat-spring
repo=$PWD/$work/m2
rm -rf "$repo/dev/exitscope" # only this run's jars; what was copied from the warm cache stays
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
"${m2[@]}" -N $install -Dfile="$spring" -DpomFile=spring-boot/pom.xml

run() { # spring-boot version
  local t=$SECONDS
  echo "== compat: a Spring Boot $1 application"
  "${m2[@]}" -f compat/spring/pom.xml clean process-classes \
    org.codehaus.mojo:exec-maven-plugin:3.5.1:exec \
    -Dspring-boot.version="$1" -Dexitscope.version="$version" \
    > "$work/$1.out" 2>&1 || { cat "$work/$1.out"; exit 1; }
  # The program's lines: no Maven log lines, no terminal colour codes, no empty lines.
  sed 's/\x1b\[[0-9;]*m//g' "$work/$1.out" | grep -v -e '^\[' -e '^$' > "$work/$1.txt" || true
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
