// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

/** Readable names for handlers in reports. */
public final class Names {
  private Names() {}

  /**
   * A lambda's {@code toString()} is {@code Main$$Lambda/0x…@1b6d3586}; it becomes {@code lambda in
   * Main}. Anything else is its {@code toString()}, or its class name if that throws.
   */
  public static String describe(Object handler) {
    String type = handler.getClass().getName();
    int lambda = type.indexOf("$$Lambda");
    if (lambda > 0) {
      return "lambda in " + type.substring(0, lambda);
    }
    try {
      return String.valueOf(handler);
    } catch (RuntimeException | StackOverflowError e) {
      return type;
    }
  }
}
