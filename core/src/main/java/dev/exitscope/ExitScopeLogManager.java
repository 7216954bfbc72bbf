// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.LogManager;
import java.util.logging.Logger;

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
 *
 * <p>The root logger's handlers (the {@code handlers} property: a {@code ConsoleHandler} by
 * default) are made when JUL starts and again whenever its configuration is read, not at the first
 * record as JUL otherwise makes them: JUL's hook forbids making them once the exit has begun, so a
 * program that logs for the first time from an exit handler would lose that record.
 */
public class ExitScopeLogManager extends LogManager {
  /** Set once JUL has started, so that the root logger's handlers may be made. */
  private volatile boolean started;

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

  /**
   * Registers {@code logger} as {@link LogManager#addLogger} does; the global logger, the last that
   * JUL adds as it starts, also makes the root logger's handlers.
   */
  @Override
  public boolean addLogger(Logger logger) {
    boolean added = super.addLogger(logger);
    if (!started && Logger.GLOBAL_LOGGER_NAME.equals(logger.getName())) {
      started = true;
      makeRootHandlers();
    }
    return added;
  }

  /** Reads the configuration as {@link LogManager} does, then makes the root logger's handlers. */
  @Override
  public void readConfiguration(InputStream ins) throws IOException {
    super.readConfiguration(ins);
    makeRootHandlers();
  }

  /**
   * Updates the configuration as {@link LogManager} does, then makes the root logger's handlers.
   */
  @Override
  public void updateConfiguration(
      InputStream ins, Function<String, BiFunction<String, String, String>> mapper)
      throws IOException {
    super.updateConfiguration(ins, mapper);
    makeRootHandlers();
  }

  /** Has JUL make the root logger's handlers now, if it has started and not made them yet. */
  private void makeRootHandlers() {
    Logger root = started ? getLogger("") : null;
    if (root != null) {
      root.getHandlers(); // the root logger makes them when first asked
    }
  }

  private void resetAtExit() {
    super.reset();
  }

  /** The class of the thread that JUL registers as its shutdown hook. */
  private static final String JUL_SHUTDOWN_HOOK = "java.util.logging.LogManager$Cleaner";
}
