// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import dev.exitscope.ExitScope;
import dev.exitscope.spring.boot.ExitScopeProperties;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Takes Spring Boot's exit over as the environment is prepared, before the application binds {@code
 * spring.main.*} and before logging starts (its order falls between Spring Boot's {@code
 * EnvironmentPostProcessorApplicationListener}, which loads {@code application.properties}, and its
 * {@code LoggingApplicationListener}).
 *
 * <p>Spring Boot installs its JVM hook ({@code SpringApplicationShutdownHook}) at the first of two
 * events: a context registered with it as the context is refreshed ({@code
 * spring.main.register-shutdown-hook}), or a handler added to {@code
 * SpringApplication.getShutdownHandlers()} once {@code run} has begun, which Spring Boot's logging
 * does for itself ({@code logging.register-shutdown-hook}). Both properties are set to {@code
 * false} in a property source named {@value #PROPERTY_SOURCE}, first in precedence, so neither
 * happens; what they did becomes exit steps: the context's close ({@link ContextExitSteps}), then
 * the handlers of {@code getShutdownHandlers()} ({@link SpringShutdownHandlers}), then logging's
 * shutdown when the application had not turned it off. Those two are registered here, once per JVM,
 * so that they run after every context has closed and before the handlers registered before {@code
 * SpringApplication.run}. These are public Spring Boot properties and methods, the same in 3.5 and
 * 4.0.
 *
 * <p>Also applies {@code exitscope.deadline} from the environment when the system property is not
 * set; when it is, the property source carries the system property's value, so that the environment
 * (and {@link ExitScopeProperties}) show the deadline in force.
 */
public final class ShutdownHookTakeover
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {
  /** The name of the property source that turns Spring Boot's hook off. */
  public static final String PROPERTY_SOURCE = "exitscope";

  /** After Spring Boot loads the configuration files (+10), before logging starts (+20). */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 15;

  private static final AtomicBoolean STEPS_REGISTERED = new AtomicBoolean();

  /** Made by Spring Boot from {@code META-INF/spring.factories}. */
  public ShutdownHookTakeover() {}

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    ConfigurableEnvironment environment = event.getEnvironment();
    Map<String, Object> properties = new LinkedHashMap<>();
    boolean deadlineProperty = System.getProperty(ExitScope.DEADLINE_PROPERTY) != null;
    if (deadlineProperty) {
      // The core's own format (1m30s) may not convert as a Spring Duration: show its reading,
      // ahead of the system property, before anything binds exitscope.*.
      properties.put(ExitScope.DEADLINE_PROPERTY, ExitScope.global().getDeadline().toString());
      putFirst(environment, properties);
    }
    ExitScopeProperties settings = Settings.of(environment);
    Duration deadline = settings.deadline();
    if (!deadlineProperty && deadline != null) {
      ExitScope.global().setDeadline(deadline);
    }
    if (!settings.spring().enabled()) {
      return;
    }
    boolean loggingShutdown =
        environment.getProperty("logging.register-shutdown-hook", Boolean.class, true);
    properties.put("spring.main.register-shutdown-hook", "false");
    properties.put("logging.register-shutdown-hook", "false");
    putFirst(environment, properties);
    if (STEPS_REGISTERED.compareAndSet(false, true)) {
      registerSteps(event.getSpringApplication(), loggingShutdown);
    }
  }

  private static void putFirst(
      ConfigurableEnvironment environment, Map<String, Object> properties) {
    MutablePropertySources sources = environment.getPropertySources();
    MapPropertySource source =
        new MapPropertySource(PROPERTY_SOURCE, new LinkedHashMap<>(properties));
    if (sources.contains(PROPERTY_SOURCE)) {
      sources.replace(PROPERTY_SOURCE, source);
    } else {
      sources.addFirst(source);
    }
  }

  private static void registerSteps(SpringApplication application, boolean loggingShutdown) {
    if (loggingShutdown) {
      Runnable shutdown = LoggingSystem.get(application.getClassLoader()).getShutdownHandler();
      if (shutdown != null) {
        ExitScope.global().push("spring logging shutdown", shutdown::run);
      }
    }
    ExitScope.global().push("spring shutdown handlers", new SpringShutdownHandlers());
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
