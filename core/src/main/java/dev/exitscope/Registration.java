// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

/**
 * One registration made by {@link ExitScope#push(ExitHandler)}: a handle that removes exactly this
 * registration, whatever other registrations of an equal handler exist.
 *
 * <p>Thread-safe: may be used from any thread, also while its scope runs.
 */
public interface Registration {
  /**
   * Removes this registration in O(1), if its handler has not started running yet.
   *
   * @return {@code true} if this call removed it; {@code false} if it had already run, was running,
   *     or was removed before (by this method, {@link ExitScope#unregister(Object)} or {@link
   *     ExitScope#clear()})
   */
  boolean unregister();
}
