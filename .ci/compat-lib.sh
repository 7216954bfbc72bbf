# Sourced by the compat scripts (.ci/compat-*.sh), from the repository's root: a consumer outside
# the reactor is built against the reactor's jars, which go into a throwaway local repository, never
# into ~/.m2. That repository reads everything else from the local repository in use (the one
# -Dmaven.repo.local in MAVEN_OPTS names, else ~/.m2) as a file repository, so nothing is fetched
# twice, and from Maven Central for what that lacks.

# compat_setup WORK MODULE...: packages MODULE... when a jar is missing (run after `mvn verify` or
# `package`, they are there), then installs the parent POM and their jars into WORK/m2. Sets
# `version`, `work`, `warm` (the local repository read from) and `m2`, the mvn command for WORK/m2.
compat_setup() {
  work=$1
  shift
  version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
  local m missing=0
  for m in "$@"; do
    [ -f "$m/target/exitscope-$m-$version.jar" ] || missing=1
  done
  if [ "$missing" = 1 ]; then
    mvn -B -q -pl "$(IFS=,; echo "$*")" -am package -DskipTests
  fi
  warm=$(sed -n 's/.*-Dmaven\.repo\.local=\([^ ]*\).*/\1/p' <<<"${MAVEN_OPTS:-}")
  warm=${warm:-$HOME/.m2/repository}
  local repo=$PWD/$work/m2
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
  local install=org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file
  "${m2[@]}" -N $install -Dfile=pom.xml -DpomFile=pom.xml
  for m in "$@"; do
    "${m2[@]}" -N $install -Dfile="$m/target/exitscope-$m-$version.jar" -DpomFile="$m/pom.xml"
  done
}

# compat_warm GROUP:ARTIFACT:VERSION: fetches a plugin or library into the warm cache once (an old
# compiler, say), so that the throwaway repository copies it from there on every later run.
compat_warm() {
  local gav=$1 path
  path=$(tr '.' '/' <<<"${gav%%:*}")/$(cut -d: -f2 <<<"$gav")/$(cut -d: -f3 <<<"$gav")
  if [ ! -d "$warm/$path" ]; then
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get -Dartifact="$gav"
  fi
}

# compat_exec NAME POM PROPERTY...: builds the consumer POM with the properties (-Dk=v) and runs it
# with exec-maven-plugin; its output goes to WORK/NAME.out and WORK/NAME.err, the program's own
# stdout lines (no Maven log lines, no terminal colour codes, no empty lines) to WORK/NAME.txt.
# Prints both and fails if the build or the run fails.
compat_exec() {
  local name=$1 pom=$2
  shift 2
  "${m2[@]}" -f "$pom" clean process-classes org.codehaus.mojo:exec-maven-plugin:3.5.1:exec \
    -Dexitscope.version="$version" "$@" > "$work/$name.out" 2> "$work/$name.err" ||
    { cat "$work/$name.out" "$work/$name.err"; exit 1; }
  sed 's/\x1b\[[0-9;]*m//g' "$work/$name.out" | grep -v -e '^\[' -e '^$' > "$work/$name.txt" || true
}
