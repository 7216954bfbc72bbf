// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import dev.exitscope.spring.boot.ExitScopeProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Reads settings from an environment before the context exists, with the rules the {@link
 * ExitScopeProperties} bean is bound with (conversions, defaults, the record's checks).
 */
final class Settings {
  /** Spring Boot's {@code spring.lifecycle.timeout-per-shutdown-phase} default. */
  private static final Duration SPRING_PHASE_TIMEOUT = Duration.ofSeconds(30);

  private Settings() {}

  /** exitscope's settings in {@code environment}; the defaults where none are set. */
  static ExitScopeProperties of(Environment environment) {
    return Binder.get(environment).bindOrCreate("exitscope", ExitScopeProperties.class);
  }

  /** Spring Boot's bound on each phase of a context's stop, graceful shutdown's included. */
  static Duration shutdownPhaseTimeout(Environment environment) {
    return Binder.get(environment)
        .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
        .orElse(SPRING_PHASE_TIMEOUT);
  }
}
