// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;

/**
 * Closes the embedded Tomcat's idle keep-alive connections at the end of the pre-wait, before
 * graceful shutdown pauses the connector (a request on a kept-alive connection of a paused Tomcat
 * may be answered 503), so that a client that keeps its connection (and would send its next request
 * there after this replica has left the load balancer) opens a new one elsewhere. A connection is
 * idle when it has no request in progress ({@link InFlightConnections}), no upgraded protocol
 * attached (WebSocket, HTTP/2), and has read and written nothing for {@value #IDLE_MILLIS} ms: a
 * new connection whose first request is on its way is left alone. HTTP/1.1 lets a client retry a
 * request on a reused connection that closes before any response, which covers the one race left, a
 * request sent as its connection is closed.
 *
 * <p>Spring Boot gives no public way to Tomcat's connections, and the classes that hold Tomcat
 * moved between Spring Boot 3.5 and 4.0: the server is found by the names both use ({@code
 * getWebServer()} on the context, {@code getTomcat()} on the server), and each connector's endpoint
 * through {@code AbstractProtocol.getEndpoint()}, which Tomcat keeps protected. NIO connectors only
 * (Spring Boot's). When any of this fails, a warning says so once and the pre-wait goes on without
 * it: responses still ask clients to close.
 */
public final class TomcatIdleConnections implements Runnable {
  static final long IDLE_MILLIS = 100;
  private static final Log log = LogFactory.getLog(TomcatIdleConnections.class);

  private final ApplicationContext context;
  private final InFlightConnections inFlight;
  private volatile @Nullable List<AbstractEndpoint<?, ?>> endpoints;
  private volatile boolean failed;

  /** Closes idle connections of the Tomcat that {@code context} runs. */
  public TomcatIdleConnections(ApplicationContext context, InFlightConnections inFlight) {
    this.context = context;
    this.inFlight = inFlight;
  }

  /** Closes the connections idle now; never throws. */
  @Override
  public void run() {
    if (failed) {
      return;
    }
    try {
      long now = System.currentTimeMillis();
      for (AbstractEndpoint<?, ?> endpoint : endpoints()) {
        for (SocketWrapperBase<?> connection : endpoint.getConnections()) {
          if (isIdle(connection, now)) {
            connection.close();
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      failed = true;
      log.warn(
          "exitscope: cannot close Tomcat's idle connections at the end of the pre-wait; responses"
              + " still ask clients to close them",
          e);
    }
  }

  private boolean isIdle(SocketWrapperBase<?> connection, long now) {
    return connection instanceof NioEndpoint.NioSocketWrapper nio
        && !nio.isClosed()
        && nio.getCurrentProcessor() == null
        && now - Math.max(nio.getLastRead(), nio.getLastWrite()) >= IDLE_MILLIS
        && !inFlight.has(nio.getRemotePort());
  }

  private List<AbstractEndpoint<?, ?>> endpoints() throws ReflectiveOperationException {
    List<AbstractEndpoint<?, ?>> found = endpoints;
    if (found == null) {
      found = find();
      endpoints = found;
    }
    return found;
  }

  private List<AbstractEndpoint<?, ?>> find() throws ReflectiveOperationException {
    List<AbstractEndpoint<?, ?>> found = new ArrayList<>();
    Object server = context.getClass().getMethod("getWebServer").invoke(context);
    Method getTomcat = server == null ? null : publicMethod(server.getClass(), "getTomcat");
    if (server == null || getTomcat == null) {
      return found; // not (yet) an embedded Tomcat: nothing to close
    }
    Tomcat tomcat = (Tomcat) getTomcat.invoke(server);
    Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
    getEndpoint.setAccessible(true);
    for (Service service : tomcat.getServer().findServices()) {
      for (Connector connector : service.findConnectors()) {
        ProtocolHandler protocol = connector.getProtocolHandler();
        if (protocol instanceof AbstractProtocol<?>) {
          found.add((AbstractEndpoint<?, ?>) getEndpoint.invoke(protocol));
        }
      }
    }
    return found;
  }

  private static @Nullable Method publicMethod(Class<?> type, String name) {
    try {
      return type.getMethod(name);
    } catch (NoSuchMethodException absent) {
      return null;
    }
  }
}
