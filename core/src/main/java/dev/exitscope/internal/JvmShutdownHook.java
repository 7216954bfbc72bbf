// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import org.jspecify.annotations.Nullable;

/**
 * The one JVM shutdown hook of a scope: the only class that names {@code java.lang.Runtime}. Its
 * thread is named {@code exitscope-hook}, has no context class loader and inherits no thread
 * locals, so it pins no application class loader.
 */
public final class JvmShutdownHook implements ExitHook {
  private @Nullable Thread thread;

  @Override
  public synchronized void install(Runnable onExit) {
    if (thread != null) {
      return;
    }
    Thread t = new Thread(null, onExit, "exitscope-hook", 0, false);
    t.setContextClassLoader(null);
    Runtime.getRuntime().addShutdownHook(t);
    thread = t;
  }

  @Override
  public synchronized void uninstall() {
    Thread t = thread;
    if (t == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(t);
      thread = null;
    } catch (IllegalStateException exiting) {
      // The JVM is exiting: the hook runs (or has run) anyway.
    }
  }

  @Override
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
