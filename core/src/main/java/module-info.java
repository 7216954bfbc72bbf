// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

/**
 * exitscope: Python's {@code atexit}, done right for the JVM. Only {@code dev.exitscope} is
 * exported; the stack, the runners and the JVM binding stay internal.
 */
module dev.exitscope {
  requires static org.jspecify;
  // Only ExitScopeLogManager uses it, and only where JUL is configured to load it.
  requires static java.logging;

  exports dev.exitscope;
  // The coroutines module reports its suspend handlers' own timeouts as timeouts.
  exports dev.exitscope.internal to
      dev.exitscope.coroutines;
}
