// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

/**
 * The parts of the Spring Boot bridge that users never name: the take-over of Spring Boot's
 * shutdown hook, the context's exit step, the pre-wait and what it does to traffic. Not API: it may
 * change in any release.
 */
@NullMarked
package dev.exitscope.spring.boot.internal;

import org.jspecify.annotations.NullMarked;
