// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.examples.spring;

import dev.exitscope.ExitScope;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

/**
 * A bean with exit work of both kinds: a handler it registers as it starts (newer than the
 * context's close, so it runs first, after the pre-wait) and a {@code @PreDestroy} (part of the
 * context's close, after the server drained).
 */
@Component
public class AuditLog {
  /** Registers its flush with exitscope. */
  public AuditLog() {
    ExitScope.global().push("flush audit log", () -> System.out.println("audit log flushed"));
  }

  @PreDestroy
  void stop() {
    System.out.println("audit log bean destroyed, the server has drained");
  }
}
