// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.spring.boot.internal;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;

/**
 * Once the exit has begun ({@link ReadinessSwitch#isRefusingTraffic()}), asks every HTTP/1.x client
 * to close its connection after the response ({@code Connection: close}), so that a client keeping
 * connections open moves to another replica while this one still serves. Set before the request is
 * handled and again after it, for a request that began before the exit, unless the response is
 * already committed. Servlet containers (Tomcat, Jetty, Undertow) close the connection after such a
 * response. First in the filter chain.
 *
 * <p>Also records which connections have a request in progress ({@link InFlightConnections}),
 * asynchronous requests until they complete, so that closing idle connections never closes a busy
 * one.
 */
public final class ConnectionCloseFilter implements Filter, Ordered {
  private final ReadinessSwitch readiness;
  private final InFlightConnections inFlight;

  /** A filter that follows {@code readiness} and records requests in {@code inFlight}. */
  public ConnectionCloseFilter(ReadinessSwitch readiness, InFlightConnections inFlight) {
    this.readiness = readiness;
    this.inFlight = inFlight;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    int port = remotePort(request);
    inFlight.started(port);
    boolean async = false;
    try {
      askToClose(request, response);
      chain.doFilter(request, response);
      askToClose(request, response);
      if (request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new Ended(port));
        async = true;
      }
    } finally {
      if (!async) {
        inFlight.ended(port);
      }
    }
  }

  /** The TCP peer's port, from the container's own request: wrappers may stand for a proxy's. */
  private static int remotePort(ServletRequest request) {
    ServletRequest r = request;
    while (r instanceof ServletRequestWrapper wrapper) {
      r = wrapper.getRequest();
    }
    return r.getRemotePort();
  }

  private void askToClose(ServletRequest request, ServletResponse response) {
    if (readiness.isRefusingTraffic()
        && response instanceof HttpServletResponse http
        && !http.isCommitted()
        && request.getProtocol().startsWith("HTTP/1.")) {
      http.setHeader("Connection", "close");
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  /** Ends an asynchronous request's record once, however it ends. */
  private final class Ended implements AsyncListener {
    private final int port;
    private boolean done;

    Ended(int port) {
      this.port = port;
    }

    private synchronized void end() {
      if (!done) {
        done = true;
        inFlight.ended(port);
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {
      end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {}

    @Override
    public void onError(AsyncEvent event) {}

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }
}
