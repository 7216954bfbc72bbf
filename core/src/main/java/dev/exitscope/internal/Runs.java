// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import dev.exitscope.ExitHandlerException;
import java.util.ArrayList;
import java.util.List;

/**
 * Explicit runs ({@code ExitScope.run()}, {@code close()}): every handler on the calling thread,
 * newest first, failures collected and rethrown at the end, as Python's {@code _run_exitfuncs}
 * does.
 */
public final class Runs {
  private Runs() {}

  /**
   * Pops and runs every handler, including those pushed meanwhile; with {@code close}, closes the
   * stack in the same step as the last pop.
   *
   * @throws RuntimeException the last failure, with the earlier ones suppressed; a checked one is
   *     wrapped in {@link ExitHandlerException}
   * @throws Error the last failure, if it was an error
   */
  // Identity on purpose: a failure is never added as suppressed to itself.
  @SuppressWarnings("ReferenceEquality")
  public static void runHere(HandlerStack stack, boolean close) {
    List<Throwable> failures = null;
    for (Object n; (n = close ? stack.popOrClose() : stack.pop()) != null; ) {
      try {
        Node.invoke(n);
      } catch (Throwable t) {
        if (failures == null) {
          failures = new ArrayList<>(2);
        }
        failures.add(unchecked(n, t));
      }
    }
    if (failures != null) {
      Throwable last = failures.get(failures.size() - 1);
      for (Throwable earlier : failures) {
        if (earlier != last) {
          last.addSuppressed(earlier);
        }
      }
      throw sneaky(last);
    }
  }

  /**
   * Runs one entry (a plain handler or a {@link Node}) now, on the calling thread, throwing its
   * failure as {@link #runHere} does.
   */
  public static void runNow(Object entry) {
    try {
      Node.invoke(entry);
    } catch (Throwable t) {
      throw sneaky(unchecked(entry, t));
    }
  }

  private static Throwable unchecked(Object n, Throwable t) {
    if (t instanceof HandlerTimeoutException && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof RuntimeException || t instanceof Error
        ? t
        : new ExitHandlerException(Node.name(n, false), t);
  }

  private static RuntimeException sneaky(Throwable t) {
    if (t instanceof Error e) {
      throw e;
    }
    return (RuntimeException) t;
  }
}
