// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

/** Implementation of exitscope; not exported, no compatibility promise. */
@NullMarked
package dev.exitscope.internal;

import org.jspecify.annotations.NullMarked;
