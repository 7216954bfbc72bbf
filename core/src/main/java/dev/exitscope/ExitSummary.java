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
 * @param unreported reports dropped before this summary: a listener or {@code System.err} that
 *     could not take them in their share of time (see {@link ExitListener})
 * @param took the run's wall-clock time
 */
public record ExitSummary(
    int succeeded, int failed, int timedOut, int skipped, int unreported, Duration took) {}
