// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout.spring.exitscope;

import dev.exitscope.ExitScope;
import dev.exitscope.rollout.spring.Resource;
import dev.exitscope.rollout.spring.RolloutApp;
import org.springframework.boot.SpringApplication;

/**
 * {@code exitscope-spring-boot}: the Spring Boot replica of {@code spring-default} with the
 * dependency on the classpath and one setting added, {@code exitscope.spring.pre-wait} (the
 * harness's pre-wait). The resource is registered with exitscope in {@code main} before {@code
 * run}, as the README shows for a pool, so it closes after the context.
 */
public final class ExitScopeSpringBoot {
  private ExitScopeSpringBoot() {}

  public static void main(String[] args) {
    Resource resource = ExitScope.global().closing(new Resource());
    SpringApplication application = new SpringApplication(RolloutApp.class);
    application.addInitializers(
        context -> context.getBeanFactory().registerSingleton("resource", resource));
    application.run(
        RolloutApp.properties("--exitscope.spring.pre-wait=" + RolloutApp.preWaitMs() + "ms"));
  }
}
