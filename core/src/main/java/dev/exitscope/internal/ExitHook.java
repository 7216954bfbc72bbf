// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import org.jspecify.annotations.Nullable;

/**
 * The seam between a scope and the platform's exit, and its production form: the one JVM shutdown
 * hook of a scope, the only class that names {@code java.lang.Runtime}. Tests override it with a
 * double; the run algorithm knows nothing of {@code Runtime} and only asks this seam. (A class and
 * not an interface with one implementation: a JVM's first registration loads one class fewer.)
 *
 * <p>The hook's thread is named {@code exitscope-hook}, has no context class loader and inherits no
 * thread locals, so it pins no application class loader.
 */
public class ExitHook {
  private @Nullable Thread thread;

  /**
   * Arranges for {@code onExit} to be called once, on a thread of its own, when the JVM exits.
   *
   * @throws IllegalStateException if the JVM is already exiting
   */
  public synchronized void install(Runnable onExit) {
    if (thread != null) {
      return;
    }
    Thread t = new Thread(null, onExit, "exitscope-hook", 0, false);
    t.setContextClassLoader(null);
    Runtime.getRuntime().addShutdownHook(t);
    thread = t;
  }

  /** Undoes {@link #install}; does nothing if the JVM is already exiting. */
  public synchronized void uninstall() {
    Thread t = thread;
    if (t == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(t);
      thread = null;
    } catch (RuntimeException e) { // not IllegalStateException: verifying this class loads it
      if (!(e instanceof IllegalStateException)) {
        throw e;
      }
      // The JVM is exiting: the hook runs (or has run) anyway.
    }
  }

  /**
   * Whether a thread with this stack is stuck in the JVM's exit (a handler that called {@code
   * System.exit} while the exit is under way blocks there forever).
   */
  public boolean isStuckInExit(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      String type = frame.getClassName();
      if ((type.equals("java.lang.Shutdown") || type.equals("java.lang.Runtime"))
          && frame.getMethodName().equals("exit")) {
        return true;
      }
    }
    return false;
  }
}
