// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import org.jspecify.annotations.Nullable;

/** Where an invariant makes a value non-null and NullAway cannot see it. */
final class Nulls {
  private Nulls() {}

  /**
   * Returns {@code value}, declared non-null: the links of a node in a {@link HandlerStack}, the
   * detail of an event of a kind that has one. No check at run time (this runs at exit); NullAway
   * is told of this method by {@code -XepOpt:NullAway:CastToNonNullMethod}.
   */
  @SuppressWarnings("NullAway")
  static <T> T castToNonNull(@Nullable T value) {
    return value;
  }
}
