// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Turns the application's readiness to {@link ReadinessState#REFUSING_TRAFFIC} when the exit
 * begins, through Spring Boot's {@link AvailabilityChangeEvent}: {@code ApplicationAvailability}
 * and Actuator's readiness probe ({@code /actuator/health/readiness}, 503) report it from then on.
 * The server keeps serving; {@link #isRefusingTraffic()} tells the parts that ask clients to leave
 * (a {@code Connection: close} on each response) that they should. Thread-safe; one-way.
 */
public final class ReadinessSwitch {
  private final ApplicationEventPublisher publisher;
  private volatile boolean refusing;

  /** A switch publishing to {@code publisher}, the application context. */
  public ReadinessSwitch(ApplicationEventPublisher publisher) {
    this.publisher = publisher;
  }

  /** Publishes {@code REFUSING_TRAFFIC}, once; later calls do nothing. */
  public void refuseTraffic() {
    if (!refusing) {
      refusing = true;
      AvailabilityChangeEvent.publish(publisher, this, ReadinessState.REFUSING_TRAFFIC);
    }
  }

  /** Whether {@link #refuseTraffic()} was called: the exit has begun. */
  public boolean isRefusingTraffic() {
    return refusing;
  }
}
