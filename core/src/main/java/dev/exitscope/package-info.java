// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

/**
 * Exit handlers for the JVM, with the semantics of Python's {@code atexit}: handlers run newest
 * first when the JVM exits, are removed by equality, and a failing or hanging one never stops the
 * others or the exit. Start with {@link dev.exitscope.ExitScope#global()}.
 */
@NullMarked
package dev.exitscope;

import org.jspecify.annotations.NullMarked;
