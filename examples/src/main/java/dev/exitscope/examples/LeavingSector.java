// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.AtExit;
import dev.exitscope.ExitHandler;

/** The CPython docs' decorator usage; works only for handlers without arguments, as in Python. */
public final class LeavingSector {
  static final ExitHandler GOODBYE =
      AtExit.register(() -> System.out.println("You are now leaving the Python sector."));

  public static void main(String[] args) {}
}
