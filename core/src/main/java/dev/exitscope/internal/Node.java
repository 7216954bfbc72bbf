// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import dev.exitscope.ExitHandler;
import dev.exitscope.ExitHandler1;
import dev.exitscope.ExitHandler2;
import dev.exitscope.Registration;
import org.jspecify.annotations.Nullable;

/**
 * One registration: the handler (its equality key), its arguments, and its links in the {@link
 * HandlerStack}. Kept small on purpose (40 bytes for a plain handler on a 64-bit JVM with
 * compressed pointers): a process may hold a million of them.
 */
public abstract class Node implements Registration {
  final Object handler;
  final int hash;
  final @Nullable HandlerStack stack;

  /** Neighbours in the LIFO list; {@code prev == null} iff this node is not in a stack. */
  @Nullable Node prev;

  @Nullable Node next;

  /** Neighbours in the hash bucket. */
  @Nullable Node chainPrev;

  @Nullable Node chainNext;

  /** Computes the handler's hash: user code, so the caller must hold no lock. */
  Node(Object handler, @Nullable HandlerStack stack) {
    this.handler = handler;
    this.hash = handler.hashCode();
    this.stack = stack;
  }

  /** Runs the handler on the calling thread. */
  public abstract void invoke() throws Exception;

  /** The name reports use: the given one, else a readable form of the handler. */
  public String name() {
    return Names.describe(handler);
  }

  /** This registration's own timeout in nanoseconds, or 0 for none. */
  public long timeoutNanos() {
    return 0;
  }

  @Override
  public boolean unregister() {
    return stack != null && stack.remove(this);
  }

  @Override
  public String toString() {
    return "Registration[" + name() + "]";
  }

  public static Node of(ExitHandler handler, HandlerStack stack) {
    return new Plain(handler, stack);
  }

  public static <A extends @Nullable Object> Node of(
      ExitHandler1<A> handler, A a, HandlerStack stack) {
    return new WithArg<>(handler, a, stack);
  }

  public static <A extends @Nullable Object, B extends @Nullable Object> Node of(
      ExitHandler2<A, B> handler, A a, B b, HandlerStack stack) {
    return new WithArgs<>(handler, a, b, stack);
  }

  public static Node described(
      ExitHandler handler, String name, long timeoutNanos, HandlerStack stack) {
    return new Described(handler, name, timeoutNanos, stack);
  }

  private static final class Plain extends Node {
    Plain(ExitHandler handler, HandlerStack stack) {
      super(handler, stack);
    }

    @Override
    public void invoke() throws Exception {
      ((ExitHandler) handler).run();
    }
  }

  private static final class WithArg<A extends @Nullable Object> extends Node {
    private final A a;

    WithArg(ExitHandler1<A> handler, A a, HandlerStack stack) {
      super(handler, stack);
      this.a = a;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void invoke() throws Exception {
      ((ExitHandler1<A>) handler).run(a);
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

    @Override
    @SuppressWarnings("unchecked")
    public void invoke() throws Exception {
      ((ExitHandler2<A, B>) handler).run(a, b);
    }
  }

  private static final class Described extends Node {
    private final String name;
    private final long timeoutNanos;

    Described(ExitHandler handler, String name, long timeoutNanos, HandlerStack stack) {
      super(handler, stack);
      this.name = name;
      this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void invoke() throws Exception {
      ((ExitHandler) handler).run();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long timeoutNanos() {
      return timeoutNanos;
    }
  }
}
