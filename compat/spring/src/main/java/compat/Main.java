// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package compat;

import dev.exitscope.ExitScope;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web application using exitscope-spring-boot as a user would, with only the APIs
 * that Spring Boot 3.5 and 4.0 share. It opens a kept-alive connection to itself and exits with
 * System.exit(0); its exit steps print in the order they run, and the step that beans registered
 * checks what the pre-wait did: readiness, the idle connection closed, Connection: close.
 */
@SpringBootApplication
public class Main {
  static volatile int port;
  static volatile Socket idle;

  public static void main(String[] args) throws IOException {
    ExitScope.global().register(() -> System.out.println("exit: main's handler, registered before run"));
    SpringApplication.getShutdownHandlers()
        .add(() -> System.out.println("exit: Spring shutdown handler, after the context closed"));
    ConfigurableApplicationContext context =
        SpringApplication.run(
            Main.class,
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--exitscope.spring.pre-wait=300ms",
            "--exitscope.deadline=20s",
            "--spring.main.banner-mode=off",
            "--logging.level.root=WARN");
    System.out.println("Spring Boot " + SpringBootVersion.getVersion());
    port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
    idle = new Socket("127.0.0.1", port);
    System.out.println("started; a kept-alive connection: " + get(idle));
    System.exit(0);
  }

  /** Sends GET / on {@code socket} and reads the response; its Connection header, if any. */
  static String get(Socket socket) throws IOException {
    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.read());
    }
    String connection = "no Connection header";
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      String lower = line.toLowerCase();
      if (lower.startsWith("connection:")) {
        connection = "Connection: " + line.substring(11).trim();
      } else if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return connection;
  }

  @Component
  static class Resource {
    private final ApplicationAvailability availability;

    Resource(ApplicationAvailability availability) {
      this.availability = availability;
    }

    @PostConstruct
    void start() {
      // Registered while the context refreshes: runs after the pre-wait, before the close.
      ExitScope.global().register(this::afterPreWait);
    }

    private void afterPreWait() throws IOException {
      System.out.println("exit: beans' handler: readiness " + availability.getReadinessState());
      int read;
      try {
        read = idle.getInputStream().read();
      } catch (IOException reset) {
        read = -1;
      }
      System.out.println("exit: beans' handler: the idle connection " + (read == -1 ? "was closed" : "is open"));
      try (Socket fresh = new Socket("127.0.0.1", port)) {
        System.out.println("exit: beans' handler: the server still serves, with " + get(fresh));
      }
    }

    @PreDestroy
    void stop() {
      System.out.println("exit: @PreDestroy, as the context closes");
    }
  }

  @RestController
  static class Hello {
    @GetMapping("/")
    String hello() {
      return "hello";
    }
  }
}
