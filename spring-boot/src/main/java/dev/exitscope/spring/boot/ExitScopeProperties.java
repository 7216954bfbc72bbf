// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * exitscope's settings in a Spring Boot application, under {@code exitscope.}: in {@code
 * application.properties}, YAML, environment variables ({@code EXITSCOPE_SPRING_PREWAIT=2s}) or any
 * other property source. Durations take Spring Boot's forms: {@code 2s}, {@code 500ms}, {@code
 * PT2S}.
 *
 * <p>Bound once when the application starts; a value that does not convert, a negative pre-wait or
 * a deadline or close timeout that is not positive fails the start, naming the property.
 *
 * <p>The descriptions below are plain text on purpose: IDEs show them as they are, from the
 * configuration metadata this module ships.
 *
 * @param deadline Deadline of the whole exit, as the system property exitscope.deadline sets it.
 *     The system property wins when both are set; otherwise this value is applied to
 *     ExitScope.global() as the application starts, over an earlier setDeadline call (as Spring
 *     Boot's properties win over code for spring.main.*). Unset: the system property's, else 30
 *     seconds.
 * @param spring How the application context takes part in the exit.
 */
@ConfigurationProperties("exitscope")
public record ExitScopeProperties(@Nullable Duration deadline, @DefaultValue Spring spring) {
  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if {@code deadline} is zero or negative
   */
  public ExitScopeProperties {
    if (deadline != null && (deadline.isZero() || deadline.isNegative())) {
      throw new IllegalArgumentException("exitscope.deadline must be positive, was " + deadline);
    }
  }

  /**
   * How the application context takes part in the exit, under {@code exitscope.spring.}.
   *
   * @param enabled Whether exitscope closes the context at exit in place of Spring Boot's shutdown
   *     hook. When false, Spring Boot's own hook closes it, concurrently with exitscope's handlers,
   *     as without this module.
   * @param preWait How long the server keeps serving once the exit begins, while load balancers
   *     stop routing to it; 0 turns it off. Meanwhile readiness is REFUSING_TRAFFIC and responses
   *     carry "Connection: close"; at its end idle connections are closed, then the context closes
   *     with graceful shutdown. At most half of what is left of the deadline when it starts.
   * @param closeTimeout How long the context's close may take at exit (graceful shutdown and bean
   *     destruction). Past it the close is reported with its stack, as any hung exit handler is,
   *     and the handlers registered before the application started still run. Unset: three quarters
   *     of the deadline, so that a hung close leaves a quarter to those handlers. Never more than
   *     what is left of the deadline.
   */
  public record Spring(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("0s") Duration preWait,
      @Nullable Duration closeTimeout) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if {@code preWait} is negative or {@code closeTimeout} is
     *     zero or negative
     */
    public Spring {
      if (preWait.isNegative()) {
        throw new IllegalArgumentException(
            "exitscope.spring.pre-wait must not be negative, was " + preWait);
      }
      if (closeTimeout != null && (closeTimeout.isZero() || closeTimeout.isNegative())) {
        throw new IllegalArgumentException(
            "exitscope.spring.close-timeout must be positive, was " + closeTimeout);
      }
    }
  }
}
