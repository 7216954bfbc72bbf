// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code variants.txt}: a name, the replica module (a directory under {@code
 * benchmarks/rollout} whose build left {@code target/classes} and {@code target/classpath.txt}),
 * the main class, and JVM arguments for its replicas.
 */
final class Variant {
  final String name;
  final String mainClass;
  final String classpath;
  final List<String> jvmArgs;

  private Variant(String name, String mainClass, String classpath, List<String> jvmArgs) {
    this.name = name;
    this.mainClass = mainClass;
    this.classpath = classpath;
    this.jvmArgs = jvmArgs;
  }

  /** The table's rows in order; blank lines and lines starting with # are skipped. */
  static Map<String, Variant> read(Path table, Path root) throws IOException {
    Map<String, Variant> variants = new LinkedHashMap<>();
    for (String line : Files.readAllLines(table)) {
      String row = line.strip();
      if (row.isEmpty() || row.startsWith("#")) {
        continue;
      }
      String[] cols = row.split("\\s+");
      if (cols.length < 3) {
        throw new IllegalArgumentException(
            table + ": a row needs name, module and main class: " + row);
      }
      Path module = root.resolve(cols[1]).toAbsolutePath();
      Path deps = module.resolve("target/classpath.txt");
      if (!Files.exists(deps)) {
        throw new IllegalStateException(
            deps + " is missing: build " + module + " first (rollout.sh does)");
      }
      String cp =
          module.resolve("target/classes")
              + java.io.File.pathSeparator
              + Files.readString(deps).strip();
      List<String> jvmArgs = new ArrayList<>(Arrays.asList(cols).subList(3, cols.length));
      variants.put(cols[0], new Variant(cols[0], cols[2], cp, jvmArgs));
    }
    return variants;
  }
}
