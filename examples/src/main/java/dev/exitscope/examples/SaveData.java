// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples;

import dev.exitscope.ExitScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Basics: a handler with two arguments, writing output.txt. */
public final class SaveData {
  static void saveData(String filename, String data) throws IOException {
    Files.writeString(Path.of(filename), data);
    System.out.println("Data saved to " + filename);
  }

  public static void main(String[] args) {
    String data = "Important results here!";
    ExitScope.global().register(SaveData::saveData, "output.txt", data);
    System.out.println("Processing data...");
  }
}
