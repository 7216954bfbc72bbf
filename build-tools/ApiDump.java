// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jetbrains.kotlin.abi.tools.AbiFilters;
import org.jetbrains.kotlin.abi.tools.AbiTools;

/**
 * The API guard: compares a module's public API with its committed dump, or rewrites the dump.
 *
 * <p>The dump is Kotlin's JVM ABI dump (the format of kotlinx.coroutines' and Okio's {@code
 * api/*.api} files), printed by {@code org.jetbrains.kotlin:abi-tools} from the compiled classes,
 * for Java and Kotlin alike: public and protected members of public types, with JVM descriptors.
 * Kotlin's {@code internal} declarations are left out by the tool. For a JPMS module (a {@code
 * module-info.class} in the classes), only the packages it exports to everyone are API, so a
 * qualified export ({@code exports dev.exitscope.internal to ...}) is not. A module without {@code
 * module-info} (the Spring Boot module: Spring Boot applications run on the classpath) names its
 * API packages instead, in the property {@code exitscope.api.packages}; its other packages are not
 * API.
 *
 * <p>Run by maven-antrun-plugin at {@code verify} as a single-file source program: {@code java -cp
 * <abi-tools> ApiDump.java <classes> <committed dump> <built dump> <update> [<api packages>]}, the
 * last a comma-separated list, empty for all. With update {@code true} it rewrites the committed
 * dump; otherwise it fails on any difference, printing it.
 */
public final class ApiDump {
  /** The update command for the module whose dump is {@code committed} (module/api/x.api). */
  private static String updateCommand(Path committed) {
    Path module = committed.toAbsolutePath().getParent().getParent().getFileName();
    return "mvn -B -q -pl " + module + " -am verify -Dexitscope.api.update=true";
  }

  private ApiDump() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4 && args.length != 5) {
      throw new IllegalArgumentException(
          "usage: ApiDump <classes dir> <committed dump> <built dump> <update: true|false>"
              + " [<api packages, comma-separated>]");
    }
    Path classes = Path.of(args[0]);
    Path committed = Path.of(args[1]);
    Path built = Path.of(args[2]);
    boolean update = Boolean.parseBoolean(args[3]);
    Set<String> named = args.length == 5 ? packages(args[4]) : null;

    String dump = dump(classes, named);
    Files.createDirectories(built.getParent());
    Files.writeString(built, dump, StandardCharsets.UTF_8);

    if (update) {
      Files.createDirectories(committed.getParent());
      Files.writeString(committed, dump, StandardCharsets.UTF_8);
      System.out.println("API dump written: " + committed);
      return;
    }
    if (!Files.exists(committed)) {
      fail("No API dump at " + committed + ". Create it with:\n  " + updateCommand(committed));
    }
    String expected = Files.readString(committed, StandardCharsets.UTF_8).replace("\r\n", "\n");
    if (!expected.equals(dump)) {
      String diff = tools().filesDiff(committed.toFile(), built.toFile());
      fail(
          "The public API differs from "
              + committed
              + " (- committed, + built):\n"
              + diff
              + "\nIf the change is intended, update the dump and commit it:\n  "
              + updateCommand(committed));
    }
    System.out.println("API matches " + committed);
  }

  /** The API packages named in {@code list}, or {@code null} (all) when it names none. */
  private static Set<String> packages(String list) {
    Set<String> named = new TreeSet<>();
    for (String p : list.split(",")) {
      if (!p.isBlank()) {
        named.add(p.trim());
      }
    }
    return named.isEmpty() ? null : named;
  }

  private static String dump(Path classes, Set<String> named) throws IOException {
    Set<String> exported = exportedPackages(classes.resolve("module-info.class"));
    Set<String> apiPackages = exported != null ? exported : named;
    List<File> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files =
          walk.filter(p -> p.toString().endsWith(".class"))
              .filter(p -> !isDescriptor(p.getFileName().toString()))
              .filter(p -> apiPackages == null || apiPackages.contains(packageOf(classes, p)))
              .sorted()
              .map(Path::toFile)
              .collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      fail("No API classes in " + classes + ": compile the module first.");
    }
    StringBuilder out = new StringBuilder();
    tools().printJvmDump(out, files, AbiFilters.Companion.getEMPTY());
    return out.toString();
  }

  /** The packages a module exports to everyone, or {@code null} when the classes are no module. */
  private static Set<String> exportedPackages(Path moduleInfo) throws IOException {
    if (!Files.exists(moduleInfo)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(moduleInfo)) {
      return ModuleDescriptor.read(in).exports().stream()
          .filter(e -> !e.isQualified())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean isDescriptor(String fileName) {
    return fileName.equals("module-info.class") || fileName.equals("package-info.class");
  }

  private static String packageOf(Path classes, Path classFile) {
    Path dir = classes.relativize(classFile).getParent();
    return dir == null ? "" : dir.toString().replace(File.separatorChar, '.');
  }

  private static AbiTools tools() {
    return AbiTools.Companion.getInstance(ApiDump.class.getClassLoader());
  }

  private static void fail(String message) {
    System.err.println(message);
    System.exit(1);
  }
}
