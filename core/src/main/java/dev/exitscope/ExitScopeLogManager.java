// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

import java.util.logging.LogManager;

/**
 * Keeps {@code java.util.logging} alive until the last exit handler has run. JUL resets itself,
 * closing every handler, in a JVM shutdown hook of its own, which runs at the same time as
 * exitscope's: a handler that logs late loses its records. This manager ignores that reset and
 * registers the real one in {@link ExitScope#global()} when JUL starts, so that, newest first, it
 * runs after the handlers registered later. Select it when starting the JVM:
 *
 * <pre>{@code
 * java -Djava.util.logging.manager=dev.exitscope.ExitScopeLogManager ...
 * }</pre>
 *
 * <p>JUL starts at its first use ({@code Logger.getLogger}, {@code LogManager.getLogManager}): use
 * it early in {@code main}, before registering the handlers that log, so that its reset is the
 * oldest handler. A {@link #reset()} called by anything but JUL's own shutdown hook resets at once,
 * as usual.
 */
public class ExitScopeLogManager extends LogManager {
  /** Called by JUL when it starts; registers the reset in {@link ExitScope#global()}. */
  @SuppressWarnings("this-escape") // the handler runs at exit, long after construction
  public ExitScopeLogManager() {
    ExitScope.global().register(this::resetAtExit);
  }

  /** Resets now, unless JUL's own shutdown hook asks: then the exit handler resets, later. */
  @Override
  public void reset() {
    if (!Thread.currentThread().getClass().getName().equals(JUL_SHUTDOWN_HOOK)) {
      super.reset();
    }
  }

  private void resetAtExit() {
    super.reset();
  }

  /** The class of the thread that JUL registers as its shutdown hook. */
  private static final String JUL_SHUTDOWN_HOOK = "java.util.logging.LogManager$Cleaner";
}
