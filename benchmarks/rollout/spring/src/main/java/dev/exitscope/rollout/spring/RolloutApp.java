// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout.spring;

import jakarta.servlet.Filter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot replica (BENCHMARKS.md, "The replica protocol"): Spring MVC on embedded Tomcat,
 * bound to 127.0.0.1 on {@code -Drollout.port}; {@code GET /} answers at once, {@code GET
 * /slow?ms=N} after N ms, both 200 with a body starting with {@code ok}. A filter counts each
 * request in the {@link Resource} bean from its start to its response flushed. Prints {@code
 * ROLLOUT READY <port>} once ready. No component scan: each variant names what it adds.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(RolloutApp.Routes.class)
public class RolloutApp {
  /** The pre-wait the harness asks for ({@code -Drollout.preWaitMs}). */
  public static long preWaitMs() {
    return Long.getLong("rollout.preWaitMs", 1500);
  }

  /**
   * The settings every Spring replica runs with: Spring Boot's defaults, plus graceful shutdown
   * (Spring Boot's documented recommendation, and its default since 3.4), the loopback and the
   * port, and quieter logs; then {@code more}.
   */
  public static String[] properties(String... more) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--server.address=127.0.0.1",
                "--server.port=" + Integer.getInteger("rollout.port", 0),
                "--server.shutdown=graceful",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN"));
    all.addAll(Arrays.asList(more));
    return all.toArray(new String[0]);
  }

  @Bean
  Filter rolloutInFlight(Resource resource) {
    return (request, response, chain) -> {
      resource.begin();
      try {
        chain.doFilter(request, response);
        response.flushBuffer(); // sent, as far as the server is concerned
      } finally {
        resource.end();
      }
    };
  }

  @EventListener
  void ready(ApplicationReadyEvent event) {
    Environment environment = event.getApplicationContext().getEnvironment();
    System.out.println("ROLLOUT READY " + environment.getProperty("local.server.port"));
  }

  @RestController
  static class Routes {
    @GetMapping("/")
    String hello() {
      return "ok\n";
    }

    @GetMapping("/slow")
    String slow(@RequestParam(name = "ms", defaultValue = "300") long ms)
        throws InterruptedException {
      Thread.sleep(ms);
      return "ok slow\n";
    }
  }
}
