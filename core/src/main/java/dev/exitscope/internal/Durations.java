// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Parsing and checking of the durations users give. */
public final class Durations {
  /**
   * The deadline of a run at exit unless set otherwise: 30 seconds. A constant, which reading loads
   * nothing: making a {@code Duration} initializes {@code java.time} and {@code BigInteger}, which
   * neither a JVM's first registration nor its exit need pay for.
   */
  public static final long DEFAULT_DEADLINE_NANOS = 30_000_000_000L;

  /** {@link #DEFAULT_DEADLINE_NANOS} as a {@code Duration}. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofNanos(DEFAULT_DEADLINE_NANOS);

  private Durations() {}

  /**
   * Parses ISO-8601 ({@code PT2S}) or short forms: a number and a unit among {@code ns us ms s m h
   * d}, several of them in a row ({@code 1m30s}).
   *
   * @throws IllegalArgumentException if {@code text} is neither, is not positive, or is longer than
   *     {@link Duration} holds
   */
  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Duration d;
    if (t.startsWith("p")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO-8601 duration: \"" + text + "\"", e);
      }
    } else {
      Matcher m = ShortForm.PATTERN.matcher(t);
      d = Duration.ZERO;
      int end = 0;
      try {
        while (m.find() && m.start() == end) {
          d = d.plus(Long.parseLong(m.group(1)), unit(m.group(2)));
          end = m.end();
        }
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("too long a duration: \"" + text + "\"", e);
      }
      if (end == 0 || end != t.length()) {
        throw new IllegalArgumentException(
            "not a duration: \"" + text + "\" (use PT2S, 2s, 500ms, 1m30s)");
      }
    }
    return requirePositive(d, "duration");
  }

  private static boolean reported; // guarded by Durations.class
  private static @Nullable String problem; // guarded by Durations.class

  /**
   * The duration the system property {@code name} gives, or {@code fallback} if it is not set or
   * cannot be read (malformed, too long, or not readable at all); the first time it cannot be read,
   * {@link #takeProblem()} says why.
   */
  public static synchronized Duration fromProperty(String name, Duration fallback) {
    String text = null;
    try {
      text = System.getProperty(name);
      return text == null ? fallback : parse(text);
    } catch (RuntimeException e) {
      if (!reported) {
        reported = true;
        problem =
            "exitscope: ignoring -D"
                + name
                + "="
                + text
                + " ("
                + e.getMessage()
                + "); using the default "
                + fallback;
      }
      return fallback;
    }
  }

  /** Why the property could not be read, once, to the first caller after it failed; else null. */
  public static synchronized @Nullable String takeProblem() {
    String p = problem;
    problem = null;
    return p;
  }

  /** Returns {@code d} if it is positive, naming {@code parameter} in the exception if not. */
  public static Duration requirePositive(Duration d, String parameter) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(parameter + " must be positive, was " + d);
    }
    return d;
  }

  /** Nanoseconds of a positive duration, saturating at {@code Long.MAX_VALUE}. */
  public static long toNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static ChronoUnit unit(String u) {
    return switch (u) {
      case "ns" -> ChronoUnit.NANOS;
      case "us" -> ChronoUnit.MICROS;
      case "ms" -> ChronoUnit.MILLIS;
      case "s" -> ChronoUnit.SECONDS;
      case "m" -> ChronoUnit.MINUTES;
      case "h" -> ChronoUnit.HOURS;
      default -> ChronoUnit.DAYS; // "d": the pattern admits no other unit
    };
  }

  /**
   * Loaded only when a short form is parsed: java.util.regex costs milliseconds to load at exit.
   */
  private static final class ShortForm {
    static final Pattern PATTERN = Pattern.compile("(\\d+)(ns|us|ms|s|m|h|d)");
  }
}
