// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import java.nio.charset.Charset;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The handlers of one scope path that never ran, newest first: what a skipped report is made of.
 * The report is bounded in size and in time, whatever the number of handlers: one line per scope
 * path, each with at most {@value #GROUPS} names, equal names counted together ({@code lambda in
 * Port ×1,831}), then {@code and N more}; at most {@value #LINES} lines; names are computed for
 * {@value #NAMING_MILLIS} ms at most, the handlers not named by then counted in {@code and N more}.
 */
final class Skipped {
  static final int GROUPS = 8;
  static final int LINES = 8;
  static final long NAMING_MILLIS = 60;
  static final long NAMING_NANOS = TimeUnit.MILLISECONDS.toNanos(NAMING_MILLIS);

  /** How much of one name a line shows. */
  private static final int NAME_LENGTH = 120;

  /** {@code ""} for the scope being run, {@code "plugin/"} for one registered in it. */
  final String path;

  /** Newest first; a drained stack's own list until more is added to it. */
  private List<Object> entries = List.of();

  Skipped(String path) {
    this.path = path;
  }

  /** Adds {@code more}, newest first, after what this holds; takes it as it is if this is empty. */
  void addAll(List<Object> more) {
    if (entries.isEmpty()) {
      entries = more;
    } else {
      List<Object> all = new ArrayList<>(entries.size() + more.size());
      all.addAll(entries);
      all.addAll(more);
      entries = all;
    }
  }

  /** Adds {@code entry} after what this holds. */
  void add(Object entry) {
    if (!(entries instanceof ArrayList)) {
      entries = new ArrayList<>(entries);
    }
    entries.add(entry);
  }

  int size() {
    return entries.size();
  }

  /**
   * The names of every handler in {@code all}, each with its path ({@code plugin/flush}), newest
   * first: a list that computes a name when it is read, so that a million skipped handlers cost
   * nothing until a listener reads them.
   */
  static List<String> names(List<Skipped> all, boolean safe) {
    int total = 0;
    for (Skipped s : all) {
      total += s.size();
    }
    int size = total;
    return new AbstractList<String>() {
      @Override
      public String get(int index) {
        int i = index;
        for (Skipped s : all) {
          if (i >= 0 && i < s.entries.size()) {
            return s.path + Node.name(s.entries.get(i), safe);
          }
          i -= s.entries.size();
        }
        throw new IndexOutOfBoundsException("index " + index + ", size " + size);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** The report of {@code names}, already computed, as one scope path: for listeners. */
  @SuppressWarnings("unchecked") // read only: names are taken as they are, in the time box
  static String text(String scope, List<String> names) {
    Skipped one = new Skipped("");
    one.addAll((List<Object>) (List<?>) names);
    return text(scope, List.of(one), false, System.nanoTime() + NAMING_NANOS);
  }

  /**
   * {@code Exit deadline of global reached; 1,834 exit handler(s) did not run: a ×1,831, b, c}: the
   * handlers of the first of {@code all}, the scope whose deadline it is, on that line, then a line
   * for each other scope path. Names are computed until {@code until} ({@link System#nanoTime()}),
   * the handlers not named by then counted in {@code and N more}.
   */
  static String text(String scope, List<Skipped> all, boolean safe, long until) {
    int total = 0;
    for (Skipped s : all) {
      total += s.size();
    }
    String nl = System.lineSeparator();
    StringBuilder text =
        new StringBuilder("Exit deadline of ")
            .append(scope)
            .append(" reached; ")
            .append(Names.count(total))
            .append(" exit handler(s) did not run:");
    int lines = 0;
    int leftOut = 0;
    int scopesLeftOut = 0;
    for (int i = 0; i < all.size(); i++) {
      Skipped s = all.get(i);
      if (s.size() == 0) {
        continue;
      }
      if (i == 0) {
        text.append(' ');
      } else if (lines++ < LINES) {
        text.append(nl).append("  ");
      } else {
        leftOut += s.size();
        scopesLeftOut++;
        continue;
      }
      s.appendGroups(text, safe, until);
    }
    if (scopesLeftOut > 0) {
      text.append(nl)
          .append("  and ")
          .append(Names.count(leftOut))
          .append(" more in ")
          .append(Names.count(scopesLeftOut))
          .append(" other scope(s)");
    }
    return text.append(nl).toString();
  }

  /** Appends this path's names, grouped, the first {@link #GROUPS} in order, then the rest. */
  // Identity on purpose: the very object named last has that name again; equals is user code.
  @SuppressWarnings("ReferenceEquality")
  private void appendGroups(StringBuilder text, boolean safe, long until) {
    Map<String, int[]> groups = new LinkedHashMap<>();
    // A plain handler's class: its name when the class alone names it (a lambda), else "".
    Map<Class<?>, String> byClass = new HashMap<>();
    int more = 0;
    int named = 0;
    // Handlers registered in a loop come in runs of one object or one lambda class: a run is
    // counted without naming each handler again.
    Object last = null;
    Class<?> lastLambda = null;
    int[] count = null;
    for (Object entry : entries) {
      if ((named & 255) == 0 && named > 0 && System.nanoTime() - until >= 0) {
        break;
      }
      named++;
      if (entry != last && (lastLambda == null || entry.getClass() != lastLambda)) {
        String name = entry instanceof Node ? "" : byClass.get(entry.getClass());
        if (name == null) {
          name = Names.isLambda(entry) ? Node.name(entry, safe) : "";
          byClass.put(entry.getClass(), name);
        }
        lastLambda = name.isEmpty() ? null : entry.getClass();
        if (name.isEmpty()) {
          name = Node.name(entry, safe);
        }
        count = groups.get(name);
        if (count == null && groups.size() < GROUPS) {
          count = new int[1];
          groups.put(name, count);
        }
        last = entry;
      }
      if (count != null) {
        count[0]++;
      } else {
        more++;
      }
    }
    more += entries.size() - named;
    String separator = "";
    for (Map.Entry<String, int[]> g : groups.entrySet()) {
      text.append(separator).append(path).append(shortened(g.getKey()));
      if (g.getValue()[0] > 1) {
        text.append(Times.SIGN).append(Names.count(g.getValue()[0]));
      }
      separator = ", ";
    }
    if (more > 0) {
      text.append(separator).append("and ").append(Names.count(more)).append(" more");
    }
  }

  private static String shortened(String name) {
    return name.length() <= NAME_LENGTH ? name : name.substring(0, NAME_LENGTH) + "…";
  }

  /** {@code " ×"}, or {@code " x"} where stderr's charset cannot show the sign. */
  private static final class Times {
    static final String SIGN = encodable('×') ? " ×" : " x";

    private static boolean encodable(char c) {
      try {
        String name = System.getProperty("stderr.encoding"); // JDK 19+
        if (name == null) {
          name = System.getProperty("sun.stderr.encoding"); // JDK 17, on a terminal
        }
        Charset charset = name != null ? Charset.forName(name) : Charset.defaultCharset();
        return charset.newEncoder().canEncode(c);
      } catch (RuntimeException unknown) {
        return false;
      }
    }
  }
}
