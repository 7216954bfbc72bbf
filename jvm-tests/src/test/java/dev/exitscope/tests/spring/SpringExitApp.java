// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.tests.spring;

import ch.qos.logback.classic.LoggerContext;
import dev.exitscope.ExitScope;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web application (embedded Tomcat on 127.0.0.1, port 0) for SpringBootExitTest, run
 * in a child JVM. It prints {@code ready <port> deadline <deadline>} once ready, and one line per
 * exit step it sees, {@code exit: ...}, so that the test reads their order:
 *
 * <ul>
 *   <li>{@code main before run}: registered with exitscope in {@code main} before {@code run};
 *   <li>{@code spring shutdown handler}: added to {@code SpringApplication.getShutdownHandlers()}
 *       in {@code main} before {@code run};
 *   <li>{@code bean handler}: registered with exitscope by a bean's {@code @PostConstruct};
 *   <li>{@code @PreDestroy}: the same bean destroyed, as the context closes (it hangs when {@code
 *       app.hang-pre-destroy=true});
 *   <li>{@code main after run}: registered in {@code main} once {@code run} has returned;
 *   <li>{@code late spring shutdown handler}: with {@code app.late-shutdown-handler=true}, added to
 *       {@code SpringApplication.getShutdownHandlers()} by the bean, after {@code run} began.
 * </ul>
 *
 * <p>The first argument {@code logback-recipe} applies the guide's recipe for Logback first in
 * {@code main} (the LoggerContext's stop as the oldest handler); the oldest application handler
 * then logs {@code last handler: still logging} through SLF4J. The other arguments are Spring's.
 */
@SpringBootApplication
public class SpringExitApp {
  private static final Logger log = LoggerFactory.getLogger(SpringExitApp.class);

  public static void main(String[] args) {
    String[] springArgs = args;
    if (args.length > 0 && args[0].equals("logback-recipe")) {
      LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
      ExitScope.global().register(logback::stop); // first: it runs last
      springArgs = Arrays.copyOfRange(args, 1, args.length);
    }
    ExitScope.global()
        .register(
            () -> {
              System.out.println("exit: main before run");
              log.info("last handler: still logging");
            });
    SpringApplication.getShutdownHandlers()
        .add(() -> System.out.println("exit: spring shutdown handler"));
    SpringApplication.run(SpringExitApp.class, springArgs);
    ExitScope.global().register(() -> System.out.println("exit: main after run"));
    System.out.println("main returned");
  }

  @EventListener
  void ready(ApplicationReadyEvent event) {
    int port =
        ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
    Duration deadline = ExitScope.global().getDeadline();
    System.out.println("ready " + port + " deadline " + deadline);
  }

  /** A resource whose close must come after the requests and before main's older handlers. */
  @Component
  static class Resource {
    @Value("${app.hang-pre-destroy:false}")
    boolean hang;

    @Value("${app.late-shutdown-handler:false}")
    boolean lateShutdownHandler;

    @PostConstruct
    void start() {
      ExitScope.global().register(() -> System.out.println("exit: bean handler"));
      if (lateShutdownHandler) { // after run began: Spring Boot installs its own hook for it
        SpringApplication.getShutdownHandlers()
            .add(() -> System.out.println("exit: late spring shutdown handler"));
      }
    }

    @PreDestroy
    void stop() {
      System.out.println("exit: @PreDestroy");
      log.info("@PreDestroy logged");
      if (hang) {
        hangInPreDestroy();
      }
    }

    /** Blocks and ignores interrupts, as a destroy method stuck on a lock or a socket does. */
    private static void hangInPreDestroy() {
      while (true) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException ignored) {
          // keeps hanging
        }
      }
    }
  }

  @RestController
  static class Endpoints {
    @GetMapping("/")
    String hello() {
      return "hello";
    }

    @GetMapping("/slow")
    String slow(@RequestParam("ms") long ms) throws InterruptedException {
      System.out.println("slow request started");
      Thread.sleep(ms);
      return "slow done";
    }
  }
}
