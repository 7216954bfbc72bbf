// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitHandler1;
import dev.exitscope.ExitHandler2;
import dev.exitscope.ExitScope;
import dev.exitscope.Registration;
import org.jspecify.annotations.Nullable;

/**
 * One registration: the handler (its equality key), its arguments, and its links in the {@link
 * HandlerStack}. Kept small on purpose (40 bytes for a plain handler on a 64-bit JVM with
 * compressed pointers): a process may hold a million of them. A plain handler is a {@code Node}
 * itself, not a subclass, and the run at exit tells the others apart by their class rather than by
 * calling methods: the exit runs cold code, where every call costs.
 */
public class Node implements Registration {
  final Object handler;

  /** The handler's hash, once the stack indexes it; written only under the stack's lock. */
  int hash;

  final @Nullable HandlerStack stack;

  /** Neighbours in the LIFO list; {@code prev == null} iff this node is not in a stack. */
  @Nullable Node prev;

  @Nullable Node next;

  /** Neighbours in the hash bucket. */
  @Nullable Node chainPrev;

  @Nullable Node chainNext;

  /** A plain handler's registration in {@code stack}. */
  public Node(ExitHandler handler, HandlerStack stack) {
    this.handler = handler;
    this.stack = stack;
  }

  /** A stack's sentinel, or the registration of a handler with arguments. */
  Node(Object handler, @Nullable HandlerStack stack) {
    this.handler = handler;
    this.stack = stack;
  }

  /** Runs the handler on the calling thread. */
  public void invoke() throws Exception {
    ((ExitHandler) handler).run();
  }

  /** The name reports use: the given one, else a readable form of the handler. */
  public String name() {
    return name(false);
  }

  /**
   * The name reports use; with {@code safe}, one that runs no user code ({@code toString}), for
   * when an earlier try got stuck in it.
   */
  String name(boolean safe) {
    return Names.describe(handler, safe);
  }

  /** This registration's own timeout in nanoseconds, or 0 for none. */
  static long timeoutNanos(Node n) {
    return n instanceof Described d ? d.timeoutNanos : 0;
  }

  @Override
  public boolean unregister() {
    return stack != null && stack.remove(this);
  }

  @Override
  public String toString() {
    return "Registration[" + name() + "]";
  }

  // The factories below call one in each subclass, typed Node: verifying this class then loads no
  // subclass, so a registration loads only the kind it makes (each costs a fraction of a
  // millisecond in a JVM that has just started).

  public static <A extends @Nullable Object> Node of(
      ExitHandler1<A> handler, A a, HandlerStack stack) {
    return WithArg.make(handler, a, stack);
  }

  public static <A extends @Nullable Object, B extends @Nullable Object> Node of(
      ExitHandler2<A, B> handler, A a, B b, HandlerStack stack) {
    return WithArgs.make(handler, a, b, stack);
  }

  public static Node described(
      ExitHandler handler, String name, long timeoutNanos, HandlerStack stack) {
    return Described.make(handler, name, timeoutNanos, stack);
  }

  /**
   * A scope registered in another: run by its {@code run()} (or {@code close()}, with {@code
   * close}) in an explicit run, as steps of the outer run at exit ({@link ExitRun}).
   *
   * @param name the given name, or null for the scope's own
   */
  public static Node nested(
      ExitScope scope,
      HandlerStack inner,
      @Nullable String name,
      long timeoutNanos,
      boolean close,
      HandlerStack stack) {
    return Nested.make(scope, inner, name, timeoutNanos, close, stack);
  }

  /** {@code resource.close()}, keyed by the resource: {@code ExitScope.closing}. */
  public static Node closing(AutoCloseable resource, HandlerStack stack) {
    return Closing.make(resource, stack);
  }

  private static final class WithArg<A extends @Nullable Object> extends Node {
    private final A a;

    WithArg(ExitHandler1<A> handler, A a, HandlerStack stack) {
      super(handler, stack);
      this.a = a;
    }

    static <A extends @Nullable Object> Node make(
        ExitHandler1<A> handler, A a, HandlerStack stack) {
      return new WithArg<>(handler, a, stack);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void invoke() throws Exception {
      ((ExitHandler1<A>) handler).run(a);
    }

    @Override
    String name(boolean safe) {
      return Names.describe(handler, safe) + Names.arguments(safe, a);
    }
  }

  private static final class WithArgs<A extends @Nullable Object, B extends @Nullable Object>
      extends Node {
    private final A a;
    private final B b;

    WithArgs(ExitHandler2<A, B> handler, A a, B b, HandlerStack stack) {
      super(handler, stack);
      this.a = a;
      this.b = b;
    }

    static <A extends @Nullable Object, B extends @Nullable Object> Node make(
        ExitHandler2<A, B> handler, A a, B b, HandlerStack stack) {
      return new WithArgs<>(handler, a, b, stack);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void invoke() throws Exception {
      ((ExitHandler2<A, B>) handler).run(a, b);
    }

    @Override
    String name(boolean safe) {
      return Names.describe(handler, safe) + Names.arguments(safe, a, b);
    }
  }

  /** A handler pushed with a name, and maybe a timeout of its own. */
  static class Described extends Node {
    private final String name;
    final long timeoutNanos;

    Described(ExitHandler handler, String name, long timeoutNanos, HandlerStack stack) {
      super(handler, stack);
      this.name = name;
      this.timeoutNanos = timeoutNanos;
    }

    static Node make(ExitHandler handler, String name, long timeoutNanos, HandlerStack stack) {
      return new Described(handler, name, timeoutNanos, stack);
    }

    @Override
    String name(boolean safe) {
      return name;
    }
  }

  /** A scope registered in another: its registrations are run as steps at exit. */
  static final class Nested extends Described {
    final HandlerStack inner;
    private final boolean close;

    Nested(
        ExitScope scope,
        HandlerStack inner,
        @Nullable String name,
        long timeoutNanos,
        boolean close,
        HandlerStack stack) {
      super(scope, name != null ? name : scope.getName(), timeoutNanos, stack);
      this.inner = inner;
      this.close = close;
    }

    static Node make(
        ExitScope scope,
        HandlerStack inner,
        @Nullable String name,
        long timeoutNanos,
        boolean close,
        HandlerStack stack) {
      return new Nested(scope, inner, name, timeoutNanos, close, stack);
    }

    @Override
    public void invoke() {
      if (close) {
        ((ExitScope) handler).close();
      } else {
        ((ExitScope) handler).run();
      }
    }
  }

  private static final class Closing extends Node {
    Closing(AutoCloseable resource, HandlerStack stack) {
      super(resource, stack);
    }

    static Node make(AutoCloseable resource, HandlerStack stack) {
      return new Closing(resource, stack);
    }

    @Override
    public void invoke() throws Exception {
      ((AutoCloseable) handler).close();
    }

    @Override
    String name(boolean safe) {
      return "close " + Names.describe(handler, safe);
    }
  }
}
