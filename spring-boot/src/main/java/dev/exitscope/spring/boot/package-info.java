// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

/**
 * exitscope for Spring Boot: an auto-configuration that makes the application context's close one
 * ordered, bounded step of exitscope's exit, in place of Spring Boot's own JVM shutdown hook. Add
 * the dependency; settings are {@link dev.exitscope.spring.boot.ExitScopeProperties} under {@code
 * exitscope.}. {@link dev.exitscope.spring.boot.ExitScopeAutoConfiguration} says what happens at
 * exit.
 */
@NullMarked
package dev.exitscope.spring.boot;

import org.jspecify.annotations.NullMarked;
