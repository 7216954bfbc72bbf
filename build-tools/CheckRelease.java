// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks what a release would publish, from the repository the release dry run deployed into
 * ({@code .ci/release-dry-run}): exactly the published artifacts, each POM complete as Maven
 * Central requires (and self-contained: no parent), each jar with its sources and javadoc jars and
 * the LICENSE inside.
 *
 * <p>Usage: {@code java build-tools/CheckRelease.java <repository dir> <groupId>}. Exits with 1 and
 * lists every problem when one is found.
 */
public final class CheckRelease {
  /** The published artifacts and their packaging; anything else in the repository is an error. */
  private static final Map<String, String> PUBLISHED =
      Map.of(
          "exitscope-core",
          "jar",
          "exitscope-coroutines",
          "jar",
          "exitscope-ktor",
          "jar",
          "exitscope-spring-boot",
          "jar",
          "exitscope-bom",
          "pom");

  private static final List<String> REQUIRED =
      List.of(
          "name",
          "description",
          "url",
          "licenses/license/name",
          "licenses/license/url",
          "developers/developer/name",
          "scm/url",
          "scm/connection");

  private final List<String> problems = new ArrayList<>();

  private CheckRelease() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: CheckRelease <repository dir> <groupId>");
    }
    Path group = Path.of(args[0]).resolve(args[1].replace('.', '/'));
    CheckRelease check = new CheckRelease();
    check.run(group);
    if (!check.problems.isEmpty()) {
      System.err.println("Release dry run: " + check.problems.size() + " problem(s) in " + group);
      check.problems.forEach(p -> System.err.println("  - " + p));
      System.exit(1);
    }
    System.out.println("Release dry run: " + new TreeSet<>(PUBLISHED.keySet()) + " complete");
  }

  private void run(Path group) throws Exception {
    Set<String> found = new TreeSet<>();
    if (Files.isDirectory(group)) {
      try (Stream<Path> dirs = Files.list(group)) {
        dirs.filter(Files::isDirectory).forEach(d -> found.add(d.getFileName().toString()));
      }
    }
    for (String artifact : found) {
      if (!PUBLISHED.containsKey(artifact)) {
        problems.add(artifact + " is published but must not be");
      }
    }
    for (Map.Entry<String, String> e : PUBLISHED.entrySet()) {
      if (!found.contains(e.getKey())) {
        problems.add(e.getKey() + " is missing");
      } else {
        checkArtifact(group.resolve(e.getKey()), e.getKey(), e.getValue());
      }
    }
  }

  private void checkArtifact(Path dir, String artifact, String packaging) throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    Path pom = newest(files, artifact, ".pom");
    if (pom == null) {
      problems.add(artifact + ": no POM");
      return;
    }
    checkPom(artifact, pom, packaging);
    if (packaging.equals("jar")) {
      for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
        Path jar = newest(files, artifact, suffix);
        if (jar == null) {
          problems.add(artifact + ": no " + suffix.substring(1));
        } else {
          checkJar(artifact, jar);
        }
      }
    }
  }

  /** The last file (timestamped snapshots sort by time) whose name ends with {@code suffix}. */
  private static Path newest(List<Path> files, String artifact, String suffix) {
    Path last = null;
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (!name.startsWith(artifact + "-") || !name.endsWith(suffix)) {
        continue;
      }
      String middle = name.substring(artifact.length() + 1, name.length() - suffix.length());
      if (!middle.contains("-sources") && !middle.contains("-javadoc")) {
        last = f;
      }
    }
    return last;
  }

  private void checkPom(String artifact, Path pom, String packaging) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    Document doc = factory.newDocumentBuilder().parse(pom.toFile());
    Element project = doc.getDocumentElement();
    if (child(project, "parent") != null) {
      problems.add(artifact + ": the POM names a parent, which is not published (not flattened?)");
    }
    for (String path : REQUIRED) {
      String value = text(project, path);
      if (value.isBlank()) {
        problems.add(artifact + ": the POM has no " + path);
      } else if (value.contains("${")) {
        problems.add(artifact + ": the POM's " + path + " is not interpolated: " + value);
      }
    }
    String actualPackaging = text(project, "packaging");
    if (!(actualPackaging.isEmpty() ? "jar" : actualPackaging).equals(packaging)) {
      problems.add(artifact + ": packaging " + actualPackaging + ", expected " + packaging);
    }
    if (packaging.equals("pom")) {
      Element managed = child(child(project, "dependencyManagement"), "dependencies");
      int entries = 0;
      for (Element dep : children(managed, "dependency")) {
        entries++;
        String coordinates = text(dep, "groupId") + ":" + text(dep, "artifactId");
        if (!PUBLISHED.containsKey(text(dep, "artifactId"))) {
          problems.add(artifact + ": manages " + coordinates + ", which is not ours to manage");
        }
      }
      if (entries == 0) {
        problems.add(artifact + ": manages no dependency");
      }
    }
  }

  private void checkJar(String artifact, Path jar) throws IOException {
    if (Files.size(jar) == 0) {
      problems.add(artifact + ": " + jar.getFileName() + " is empty");
      return;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (zip.getEntry("META-INF/LICENSE") == null) {
        problems.add(artifact + ": " + jar.getFileName() + " has no META-INF/LICENSE");
      }
      if (zip.size() < 3) {
        problems.add(artifact + ": " + jar.getFileName() + " holds almost nothing");
      }
    }
  }

  private static String text(Element from, String path) {
    Element e = from;
    for (String name : path.split("/")) {
      e = child(e, name);
    }
    return e == null ? "" : e.getTextContent().trim();
  }

  private static Element child(Element parent, String name) {
    List<Element> all = children(parent, name);
    return all.isEmpty() ? null : all.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> result = new ArrayList<>();
    if (parent == null) {
      return result;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && name.equals(((Element) n).getTagName())) {
        result.add((Element) n);
      }
    }
    return result;
  }
}
