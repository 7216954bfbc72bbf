// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitScope;
import dev.exitscope.examples.kotlin.KotlinTour;

/**
 * The README's demo: handlers registered from Java and Kotlin run newest first when {@code main}
 * returns; one fails and is reported, one is unregistered and never runs.
 */
public final class Tour {
  public static void main(String[] args) {
    ExitScope global = ExitScope.global();
    say("main: registering 6 handlers (1 = oldest), then unregistering one");
    global.register(() -> say("  1. Java handler, registered first: runs last"));
    global.register(Tour::greet, "Donny", "nice");
    ExitHandler unwanted =
        global.register(() -> say("  never printed: this handler was unregistered"));
    global.register(
        () -> {
          throw new IllegalStateException(
              "3. a failing handler: reported on stderr, the next one runs");
        });
    KotlinTour.registerHandlers(global);
    say(
        "main: unregister(unwanted) removed "
            + global.unregister(unwanted)
            + "; "
            + global.size()
            + " handlers wait");
    say("main: returning; the JVM exits and runs them newest first:");
  }

  static void greet(String name, String adjective) {
    say(
        "  2. Java handler with arguments: Goodbye "
            + name
            + ", it was "
            + adjective
            + " to meet you.");
  }

  private static void say(String line) {
    System.out.println(line);
  }
}
