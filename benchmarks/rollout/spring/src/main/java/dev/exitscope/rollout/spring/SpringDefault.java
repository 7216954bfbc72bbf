// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code spring-default}: Spring Boot's defaults plus {@code server.shutdown=graceful}, as Spring
 * Boot's documentation recommends; Spring Boot's own shutdown hook closes the context at SIGTERM.
 * The resource is a bean with a destroy method, as Spring users declare a pool: the context closes
 * it after the graceful shutdown. Spring Boot has no pre-wait to give it.
 */
public final class SpringDefault {
  private SpringDefault() {}

  public static void main(String[] args) {
    SpringApplication.run(
        new Class<?>[] {RolloutApp.class, PoolConfiguration.class}, RolloutApp.properties());
  }

  @Configuration(proxyBeanMethods = false)
  static class PoolConfiguration {
    @Bean(destroyMethod = "close")
    Resource resource() {
      return new Resource();
    }
  }
}
