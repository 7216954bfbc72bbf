// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

/** Uses {@link MainOnly} as a library: its cleanup is not registered. */
public final class UsesMainOnly {
  public static void main(String[] args) {
    MainOnly.cleanup();
  }
}
