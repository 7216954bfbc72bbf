// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;

/** Basics: a class that registers its own cleanup method. */
public final class ResourceManager {
  private String resource = "open";

  ResourceManager() {
    ExitScope.global().register(this::cleanup);
  }

  void cleanup() {
    resource = "closed";
    System.out.println("Resource closed.");
  }

  public static void main(String[] args) {
    new ResourceManager();
    System.out.println("Using resource...");
  }
}
