// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

/**
 * The seam between a scope and the platform's exit: the JVM's shutdown hook in production ({@link
 * JvmShutdownHook}), a test double, or a container's lifecycle. The run algorithm knows nothing of
 * {@code java.lang.Runtime}; it only asks this seam.
 */
public interface ExitHook {
  /**
   * Arranges for {@code onExit} to be called once, on a thread of the platform's choice, when the
   * process exits.
   *
   * @throws IllegalStateException if the process is already exiting
   */
  void install(Runnable onExit);

  /** Undoes {@link #install}; does nothing if the process is already exiting. */
  void uninstall();

  /**
   * Whether {@code thread}, seen with this stack, is stuck in the platform's exit (a handler that
   * called {@code System.exit} while the exit is under way blocks there forever).
   */
  boolean isStuckInExit(StackTraceElement[] stack);
}
