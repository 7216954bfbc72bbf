// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import dev.exitscope.ExitScope;
import dev.exitscope.spring.boot.ExitScopeProperties;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Registers each application context's close as an exit step ({@link ContextExit}) when the context
 * is about to be refreshed, where Spring Boot would have registered it with its own hook: handlers
 * registered before {@code SpringApplication.run} are older and run after the close; handlers that
 * beans register while the context refreshes or later are newer and run before it. Also makes sure
 * Spring Boot does not register the context itself ({@code setRegisterShutdownHook(false)} after
 * {@code spring.main.*} is bound, whatever the properties say).
 *
 * <p>A context whose start fails is closed by Spring Boot; its step is removed.
 */
public final class ContextExitSteps implements ApplicationListener<SpringApplicationEvent> {
  private final Map<ApplicationContext, ContextExit> steps = new ConcurrentHashMap<>();

  /** Made by Spring Boot from {@code META-INF/spring.factories}. */
  public ContextExitSteps() {}

  @Override
  public void onApplicationEvent(SpringApplicationEvent event) {
    if (event instanceof ApplicationPreparedEvent prepared) {
      prepared(prepared);
    } else if (event instanceof ApplicationFailedEvent failed) {
      ConfigurableApplicationContext context = failed.getApplicationContext();
      ContextExit step = context == null ? null : steps.remove(context);
      if (step != null) {
        step.unregister();
      }
    }
  }

  private void prepared(ApplicationPreparedEvent event) {
    ConfigurableApplicationContext context = event.getApplicationContext();
    ExitScopeProperties settings = Settings.of(context.getEnvironment());
    if (!settings.spring().enabled()) {
      return;
    }
    event.getSpringApplication().setRegisterShutdownHook(false);
    Duration timeout = settings.spring().closeTimeout();
    if (timeout == null) {
      timeout = ExitScope.global().getDeadline().dividedBy(4).multipliedBy(3);
      if (timeout.isZero()) {
        timeout = Duration.ofNanos(1);
      }
    }
    ContextExit step =
        new ContextExit(context, Settings.shutdownPhaseTimeout(context.getEnvironment()));
    steps.put(context, step);
    step.register(timeout, () -> steps.remove(context));
  }
}
