// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

/**
 * Readable names for handlers, listeners and failures in reports. A name may come from user code
 * ({@code toString}), which may throw anything: then, or when {@code safe} says an earlier try got
 * stuck, the name is the class name and identity hash, which runs no user code.
 */
public final class Names {
  /** How much of an argument's {@code toString} a name shows. */
  private static final int ARGUMENT_LENGTH = 80;

  private Names() {}

  /**
   * A lambda's {@code toString()} is {@code Main$$Lambda/0x…@1b6d3586}; it becomes {@code lambda in
   * Main}. Anything else is its {@code toString()}, or {@link #identity} if that fails.
   */
  public static String describe(Object o, boolean safe) {
    String type = o.getClass().getName();
    int lambda = type.indexOf("$$Lambda");
    if (lambda > 0) {
      return "lambda in " + type.substring(0, lambda);
    }
    if (!safe) {
      try {
        String text = o.toString();
        if (text != null) {
          return text;
        }
      } catch (Throwable t) {
        // fall through: user code failed, the identity cannot
      }
    }
    return identity(o);
  }

  /** Whether {@code o} is a lambda, named by its class alone ({@link #describe}). */
  static boolean isLambda(Object o) {
    return o.getClass().getName().indexOf("$$Lambda") > 0;
  }

  /** {@code 1,831}: a count as people read it, whatever the locale. */
  static String count(int n) {
    String digits = Integer.toString(n);
    StringBuilder text = new StringBuilder(digits.length() + digits.length() / 3);
    for (int i = 0; i < digits.length(); i++) {
      int left = digits.length() - i;
      if (i > 0 && left % 3 == 0 && Character.isDigit(digits.charAt(i - 1))) {
        text.append(',');
      }
      text.append(digits.charAt(i));
    }
    return text.toString();
  }

  /** {@code (a)} or {@code (a, b)}: the arguments a handler was registered with, shortened. */
  static String arguments(boolean safe, Object... args) {
    StringBuilder text = new StringBuilder("(");
    for (Object a : args) {
      if (text.length() > 1) {
        text.append(", ");
      }
      String s = a == null ? "null" : describe(a, safe);
      text.append(s.length() <= ARGUMENT_LENGTH ? s : s.substring(0, ARGUMENT_LENGTH) + "…");
    }
    return text.append(')').toString();
  }

  /** {@code com.example.Type@1b6d3586}: no user code runs. */
  static String identity(Object o) {
    return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
  }
}
