// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope;

import java.time.Duration;

/**
 * What one run at exit did, given to {@link ExitListener#runFinished}.
 *
 * @param succeeded handlers that returned normally
 * @param failed handlers that threw, or called {@code System.exit}
 * @param timedOut handlers abandoned at their timeout or at the deadline
 * @param skipped handlers never started because the deadline was reached
 * @param unreported reports not delivered before this summary: progress the listener had no room or
 *     no time for, and problems that could be written nowhere in their time (see {@link
 *     ExitListener})
 * @param took the run's wall-clock time
 */
public record ExitSummary(
    int succeeded, int failed, int timedOut, int skipped, int unreported, Duration took) {}
