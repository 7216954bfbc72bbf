// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests

import java.io.File

/**
 * The classpaths of the child JVMs. The test JVM carries the Spring Boot stack for the in-process
 * wiring tests (ApplicationContextRunner), but the children of the other tests must not: Spring
 * Boot's jar, for one, registers a Log4j property source that turns Log4j's own shutdown hook off,
 * which LoggingAtExitTest's control relies on. Maven lists the stack's jars in
 * `-Dexitscope.test.spring.classpath` (jvm-tests/pom.xml); run elsewhere (an IDE), nothing is left
 * out.
 */
object TestClasspath {
  private val entries: List<String> = System.getProperty("java.class.path").split(File.pathSeparator)

  /** The jars only Spring children need; empty when the property is not set. */
  val springStack: Set<String> =
    System.getProperty("exitscope.test.spring.classpath").orEmpty().split(File.pathSeparator).filter { it.isNotBlank() }.toSet()

  /** The test JVM's classpath less the Spring Boot stack: what a child JVM gets by default. */
  val plain: String = entries.filterNot { it in springStack }.joinToString(File.pathSeparator)

  /** The test JVM's classpath, as a list, less the Spring Boot stack unless [spring]. */
  fun entries(spring: Boolean): List<String> = if (spring) entries else entries.filterNot { it in springStack }
}
