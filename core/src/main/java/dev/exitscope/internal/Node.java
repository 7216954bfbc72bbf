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
 * A registration that is more than a plain handler: one with arguments, a name, a timeout, a nested
 * scope, or a {@link Registration} to return. A plain {@code register(handler)} makes none: the
 * {@link HandlerStack} holds the handler itself. A plain handler pushed for its {@link
 * Registration} is a {@code Node} itself, not a subclass; the run at exit tells the kinds apart by
 * class rather than by calling methods: the exit runs cold code, where every call costs. A node is
 * never an {@link ExitHandler}, so that {@code entry instanceof ExitHandler} tells a plain handler
 * from a node without loading this class.
 */
public class Node implements Registration {
  final Object handler;

  final HandlerStack stack;

  /** Where this node is in its stack's slots, once pushed; written only under the stack's lock. */
  int slot = -1;

  /** A plain handler's registration in {@code stack}. */
  public Node(ExitHandler handler, HandlerStack stack) {
    this.handler = handler;
    this.stack = stack;
  }

  /** The registration of a handler with arguments, or a resource to close. */
  Node(Object handler, HandlerStack stack) {
    this.handler = handler;
    this.stack = stack;
  }

  /** Runs the handler on the calling thread. */
  public void invoke() throws Exception {
    ((ExitHandler) handler).run();
  }

  /** Runs a stack's entry, a plain handler or a node, on the calling thread. */
  static void invoke(Object entry) throws Exception {
    if (entry instanceof ExitHandler plain) { // a node is never one
      plain.run();
    } else {
      ((Node) entry).invoke();
    }
  }

  /** The name reports use for a stack's entry; see {@link #name(boolean)}. */
  static String name(Object entry, boolean safe) {
    return entry instanceof Node node ? node.name(safe) : Names.describe(entry, safe);
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

  /** A stack entry's own timeout in nanoseconds, or 0 for none. */
  static long timeoutNanos(Object n) {
    return n instanceof Described d ? d.timeoutNanos : 0;
  }

  /** This node, typed as the handle it is; see {@code ExitScope.add}. */
  public Registration registration() {
    return this;
  }

  @Override
  public boolean unregister() {
    return stack.remove(this);
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
