// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package io.kotest.provided

import io.kotest.core.config.AbstractProjectConfig
import io.kotest.core.extensions.Extension
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes

/**
 * The suite's own bound (issue 10: a bug that made an explicit `run()` block hung `mvn verify` for
 * over 13 minutes). Kotest finds this object by its name. [HangGuard] fails a leaf test still
 * running after 2 minutes, or its own longer `timeout`, even one deaf to interrupts; kotest's
 * [timeout] fails a container (its nested tests included) that ends late, and [projectTimeout] the
 * whole module. Tests that wait for something give themselves tighter bounds (child JVMs,
 * `runBounded`); surefire's `forkedProcessTimeoutInSeconds` is the last resort, for a hang outside
 * any test.
 */
object ProjectConfig : AbstractProjectConfig() {
  override val extensions: List<Extension> = listOf(HangGuard)
  override val timeout: Duration = 5.minutes
  override val projectTimeout: Duration = 25.minutes
}
