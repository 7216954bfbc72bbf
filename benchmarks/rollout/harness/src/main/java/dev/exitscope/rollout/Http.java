// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.rollout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 exchange on a raw socket, so that every way a request can fail is seen and named:
 * the JDK's clients retry and pool on their own. A connection knows whether it has answered before
 * (a reused connection), and whether the server asked to close it ({@code Connection: close}).
 */
final class Http {
  private Http() {}

  /** How a request ended. {@code CLOSED_IDLE} alone may be retried (RFC 9112, section 9.3.1). */
  enum Outcome {
    OK,
    REFUSED,
    RESET,
    TIMEOUT,
    STATUS,
    INCOMPLETE,
    /** A reused connection closed before any byte of the response: HTTP/1.1 lets clients retry. */
    CLOSED_IDLE
  }

  /** An open connection to one endpoint. */
  static final class Conn implements AutoCloseable {
    final Balancer.Endpoint endpoint;
    final Socket socket;
    final InputStream in;
    final OutputStream out;
    int exchanges;
    boolean closeRequested;

    Conn(Balancer.Endpoint endpoint, int timeoutMs) throws IOException {
      this.endpoint = endpoint;
      this.socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(timeoutMs);
      socket.connect(new InetSocketAddress("127.0.0.1", endpoint.port), timeoutMs);
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is best effort
      }
    }
  }

  /** Opens a connection, or returns null and counts why it failed in {@code outcome[0]}. */
  static Conn open(Balancer.Endpoint endpoint, int timeoutMs, Outcome[] outcome) {
    try {
      return new Conn(endpoint, timeoutMs);
    } catch (ConnectException e) {
      outcome[0] = Outcome.REFUSED;
    } catch (SocketTimeoutException e) {
      outcome[0] = Outcome.TIMEOUT;
    } catch (IOException e) {
      outcome[0] = Outcome.RESET;
    }
    return null;
  }

  /**
   * Sends {@code GET path} and reads the whole response. The caller closes the connection unless
   * the outcome is OK and the server did not ask to close it.
   */
  static Outcome exchange(Conn c, String path, boolean askClose) {
    boolean reused = c.exchanges > 0;
    c.exchanges++;
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + c.endpoint.port
            + "\r\n"
            + (askClose ? "Connection: close\r\n" : "")
            + "\r\n";
    try {
      c.out.write(request.getBytes(StandardCharsets.US_ASCII));
      c.out.flush();
    } catch (SocketTimeoutException e) {
      return Outcome.TIMEOUT;
    } catch (IOException e) {
      return reused ? Outcome.CLOSED_IDLE : Outcome.RESET;
    }
    String status;
    try {
      status = line(c.in);
    } catch (SocketTimeoutException e) {
      return Outcome.TIMEOUT;
    } catch (IOException e) {
      return reused ? Outcome.CLOSED_IDLE : Outcome.RESET;
    }
    if (status == null) {
      return reused ? Outcome.CLOSED_IDLE : Outcome.RESET;
    }
    try {
      long length = -1;
      boolean chunked = false;
      for (String h = line(c.in); ; h = line(c.in)) {
        if (h == null) {
          return Outcome.INCOMPLETE;
        }
        if (h.isEmpty()) {
          break;
        }
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        if (name.equals("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equals("transfer-encoding") && value.contains("chunked")) {
          chunked = true;
        } else if (name.equals("connection") && value.contains("close")) {
          c.closeRequested = true;
        }
      }
      byte[] body;
      if (chunked) {
        body = chunkedBody(c.in);
      } else if (length >= 0) {
        body = c.in.readNBytes((int) length);
        if (body.length != length) {
          return Outcome.INCOMPLETE;
        }
      } else {
        body = c.in.readAllBytes(); // delimited by the close
        c.closeRequested = true;
      }
      if (body == null) {
        return Outcome.INCOMPLETE;
      }
      if (!status.startsWith("HTTP/1.1 200") && !status.startsWith("HTTP/1.0 200")) {
        return Outcome.STATUS;
      }
      return body.length >= 2 && body[0] == 'o' && body[1] == 'k' ? Outcome.OK : Outcome.INCOMPLETE;
    } catch (SocketTimeoutException e) {
      return Outcome.TIMEOUT;
    } catch (IOException | RuntimeException e) {
      return Outcome.INCOMPLETE;
    }
  }

  private static byte[] chunkedBody(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      if (size == null) {
        return null;
      }
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      if (n == 0) {
        for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
          // trailers
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(n);
      if (chunk.length != n || line(in) == null) {
        return null;
      }
      body.write(chunk);
    }
  }

  /** A CRLF-terminated line, or null at the end of the stream before any byte of it. */
  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int ch = in.read();
      if (ch < 0) {
        if (b.length() == 0) {
          return null;
        }
        throw new IOException("end of stream inside a line");
      }
      if (ch == '\n') {
        int end = b.length();
        if (end > 0 && b.charAt(end - 1) == '\r') {
          b.setLength(end - 1);
        }
        return b.toString();
      }
      b.append((char) ch);
      if (b.length() > 8192) {
        throw new IOException("line too long");
      }
    }
  }
}
