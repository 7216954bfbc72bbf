// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot;

import dev.exitscope.spring.boot.internal.ConnectionCloseFilter;
import dev.exitscope.spring.boot.internal.InFlightConnections;
import dev.exitscope.spring.boot.internal.PreWait;
import dev.exitscope.spring.boot.internal.ReadinessSwitch;
import dev.exitscope.spring.boot.internal.TomcatIdleConnections;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * exitscope's auto-configuration: with {@code exitscope-spring-boot} on the classpath, the
 * application context's close becomes one step of exitscope's exit, in its LIFO order, instead of
 * Spring Boot's own JVM shutdown hook running it concurrently with every other hook.
 *
 * <h2>At exit (SIGTERM, {@code System.exit}, the end of {@code main})</h2>
 *
 * Newest first, as every exitscope handler:
 *
 * <ol>
 *   <li>handlers registered after the application was ready;
 *   <li>with {@code exitscope.spring.pre-wait}, the pre-wait: readiness turns to {@code
 *       REFUSING_TRAFFIC} at once (Actuator's readiness probe answers 503), the server keeps
 *       serving, responses carry {@code Connection: close}, and at its end idle connections are
 *       closed;
 *   <li>handlers that beans registered while the application started;
 *   <li>the context's close, named {@code spring context <id>}: graceful shutdown of the web server
 *       (in-flight requests complete), then bean destruction ({@code @PreDestroy}, {@code close}),
 *       bounded by {@code exitscope.spring.close-timeout}: a close that hangs is reported with its
 *       stack and abandoned;
 *   <li>{@code SpringApplication.getShutdownHandlers()}, where Spring Boot documents them, after
 *       the context has closed; then Spring Boot's logging shutdown, unless {@code
 *       logging.register-shutdown-hook=false};
 *   <li>handlers registered before {@code SpringApplication.run}, in {@code main}.
 * </ol>
 *
 * All of it is bounded by exitscope's deadline ({@code exitscope.deadline} in the environment, or
 * the system property). How Spring Boot's hook is kept out: the listeners this module declares in
 * {@code META-INF/spring.factories} set {@code spring.main.register-shutdown-hook} and {@code
 * logging.register-shutdown-hook} to {@code false} in a property source of their own, before either
 * is read, and register the steps above; both are public Spring Boot properties. A shutdown handler
 * added to {@code SpringApplication.getShutdownHandlers()} after {@code run} began by other code
 * still makes Spring Boot install its hook, which then runs those handlers at the start of the
 * exit, as without this module: register such handlers with {@code ExitScope.global()}.
 *
 * <p>{@code exitscope.spring.enabled=false} gives the exit back to Spring Boot. An explicit {@code
 * context.close()} (or {@code SpringApplication.exit}) closes the context at once, with Spring's
 * own graceful shutdown and no pre-wait, and removes its exit steps.
 *
 * <p>Beans: a readiness switch; for a pre-wait, an exit step registered when the application is
 * ready; in a servlet web application, a filter for {@code Connection: close}; on Tomcat, the
 * closing of idle connections. Works with Spring Boot 3.5 and 4.0 and needs only {@code
 * spring-boot} and {@code spring-boot-autoconfigure}.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "exitscope.spring", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ExitScopeProperties.class)
public class ExitScopeAutoConfiguration {
  /** Made by Spring. */
  public ExitScopeAutoConfiguration() {}

  @Bean
  ReadinessSwitch exitScopeReadinessSwitch(ApplicationEventPublisher publisher) {
    return new ReadinessSwitch(publisher);
  }

  @Bean
  PreWait exitScopePreWait(
      ExitScopeProperties properties,
      ReadinessSwitch readiness,
      ObjectProvider<TomcatIdleConnections> idleConnections) {
    Runnable closeIdle = idleConnections.getIfAvailable();
    return new PreWait(
        properties.spring().preWait(), readiness, closeIdle != null ? closeIdle : () -> {});
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.Filter")
  static class Servlet {
    @Bean
    InFlightConnections exitScopeInFlightConnections() {
      return new InFlightConnections();
    }

    @Bean
    ConnectionCloseFilter exitScopeConnectionCloseFilter(
        ReadinessSwitch readiness, InFlightConnections inFlight) {
      return new ConnectionCloseFilter(readiness, inFlight);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
    static class Tomcat {
      @Bean
      TomcatIdleConnections exitScopeTomcatIdleConnections(
          ApplicationContext context, InFlightConnections inFlight) {
        return new TomcatIdleConnections(context, inFlight);
      }
    }
  }
}
