// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and checking of the durations users give. */
public final class Durations {
  private Durations() {}

  /**
   * Parses ISO-8601 ({@code PT2S}) or short forms: a number and a unit among {@code ns us ms s m h
   * d}, several of them in a row ({@code 1m30s}).
   *
   * @throws IllegalArgumentException if {@code text} is neither, or is not positive
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
      while (m.find() && m.start() == end) {
        d = d.plus(Long.parseLong(m.group(1)), unit(m.group(2)));
        end = m.end();
      }
      if (end == 0 || end != t.length()) {
        throw new IllegalArgumentException(
            "not a duration: \"" + text + "\" (use PT2S, 2s, 500ms, 1m30s)");
      }
    }
    return requirePositive(d, "duration");
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
