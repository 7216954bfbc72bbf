// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.spring;

import dev.exitscope.ExitScope;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot service with exitscope-spring-boot on its classpath and nothing else to do: its
 * exit is ordered, newest first. On SIGTERM:
 *
 * <ol>
 *   <li>the pre-wait ({@code exitscope.spring.pre-wait=2s} in application.properties): readiness
 *       turns to REFUSING_TRAFFIC, the server keeps serving for 2 s, asking clients to close;
 *   <li>{@link AuditLog}'s handler, registered by a bean as the context started;
 *   <li>the context closes: graceful shutdown lets in-flight requests finish, then beans are
 *       destroyed;
 *   <li>{@code pool}, registered in {@code main} before Spring started, closes last: no request can
 *       still be using it.
 * </ol>
 *
 * Run it with {@code mvn -B -q -DskipTests -Pdemo -pl examples/spring-boot -am package}, then press
 * Ctrl+C.
 */
@SpringBootApplication
public class OrderService {
  public static void main(String[] args) {
    ConnectionPool pool = ExitScope.global().closing(new ConnectionPool());
    SpringApplication application = new SpringApplication(OrderService.class);
    application.addInitializers(
        context -> context.getBeanFactory().registerSingleton("pool", pool));
    application.run(args);
  }

  @RestController
  static class Orders {
    private final ConnectionPool pool;

    Orders(ConnectionPool pool) {
      this.pool = pool;
    }

    @GetMapping("/orders")
    String orders() {
      return pool.query("select count(*) from orders");
    }
  }
}
