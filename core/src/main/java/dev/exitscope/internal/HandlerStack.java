// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import static dev.exitscope.internal.Nulls.castToNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The registrations of one scope, newest first: a doubly linked list for LIFO order and O(1)
 * removal of one node, plus a hash index of the handlers so that removal by equality costs O(1 +
 * matches) instead of a scan.
 *
 * <p>Thread-safe. Its lock guards only the links; user code ({@code equals}, {@code hashCode}, the
 * handlers) never runs under it, so user code may call back into the stack.
 */
public final class HandlerStack {
  private static final int MIN_TABLE = 16;

  /**
   * Sentinel of the circular list: {@code head.next} is the newest, {@code head.prev} the oldest.
   */
  private final Node head =
      new Node(this, null) {
        @Override
        public void invoke() {}
      };

  private @Nullable Node[] table = new Node[MIN_TABLE];
  private int size;

  /** Counts pushes, so that {@link #removeEqual} notices those made while it ran user code. */
  private long pushes;

  /** Once set, pushes are refused (the caller runs the handler at once instead). */
  private volatile boolean closed;

  public HandlerStack() {
    head.prev = head;
    head.next = head;
  }

  /**
   * Adds {@code node} as the newest registration.
   *
   * @return {@code false}, adding nothing, if the stack is closed
   */
  public synchronized boolean push(Node node) {
    if (closed) {
      return false;
    }
    Node newest = castToNonNull(head.next);
    node.prev = head;
    node.next = newest;
    newest.prev = node;
    head.next = node;
    link(table, node);
    pushes++;
    if (++size > table.length - (table.length >>> 2)) {
      resize(table.length << 1);
    }
    return true;
  }

  /** Removes {@code node} if it is still in the stack; O(1). */
  public synchronized boolean remove(Node node) {
    if (node.prev == null || node.stack != this) {
      return false;
    }
    unlink(node);
    return true;
  }

  /** Removes and returns the newest registration, or {@code null} if there is none. */
  // Identity on purpose: head is the list's sentinel node.
  @SuppressWarnings("ReferenceEquality")
  public synchronized @Nullable Node pop() {
    Node newest = castToNonNull(head.next);
    if (newest == head) {
      return null;
    }
    unlink(newest);
    return newest;
  }

  /**
   * Like {@link #pop()}, but when the stack is empty closes it in the same step, so that no push
   * can slip in between the last pop and the close.
   */
  public synchronized @Nullable Node popOrClose() {
    Node newest = pop();
    if (newest == null) {
      closed = true;
    }
    return newest;
  }

  /** Closes the stack and returns what it still held, newest first; those will never run here. */
  public synchronized List<Node> closeAndDrain() {
    closed = true;
    return drain();
  }

  /** Removes every registration, newest first, and returns them. */
  // Identity on purpose: head is the list's sentinel node.
  @SuppressWarnings("ReferenceEquality")
  public synchronized List<Node> drain() {
    List<Node> all = new ArrayList<>(size);
    for (Node n = castToNonNull(head.next); n != head; ) {
      Node next = castToNonNull(n.next);
      n.prev = null;
      n.next = null;
      n.chainPrev = null;
      n.chainNext = null;
      all.add(n);
      n = next;
    }
    head.prev = head;
    head.next = head;
    table = new Node[MIN_TABLE];
    size = 0;
    return all;
  }

  public synchronized int size() {
    return size;
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Removes every registration whose handler equals {@code target}, as Python's {@code
   * atexit.unregister} does ({@code registered.equals(target)}, identity first).
   *
   * <p>{@code equals} runs without the lock, on the candidates of {@code target}'s hash bucket
   * only. The removal itself happens under the lock, after checking that no equal-hash handler was
   * pushed meanwhile (if one was, it is compared too), so the call is atomic with respect to
   * pushes: a handler pushed before this call returns and equal to {@code target} is removed.
   *
   * @return how many registrations were removed
   * @throws RuntimeException whatever {@code equals} or {@code hashCode} throws; nothing is removed
   *     then
   */
  // Identity on purpose: identity first, then equals, as Python's "is" before "==".
  @SuppressWarnings("ReferenceEquality")
  public int removeEqual(Object target) {
    int hash = target.hashCode();
    List<Node> matched = new ArrayList<>(2);
    @Nullable Set<Node> compared = null; // made only when a push interferes
    List<Node> candidates;
    long seen;
    synchronized (this) {
      candidates = candidates(hash, null);
      seen = pushes;
    }
    while (true) {
      for (Node n : candidates) {
        if (n.handler == target || n.handler.equals(target)) {
          matched.add(n);
        }
      }
      synchronized (this) {
        if (pushes == seen) {
          int removed = 0;
          for (Node n : matched) {
            if (n.prev != null) {
              unlink(n);
              removed++;
            }
          }
          return removed;
        }
        if (compared == null) {
          compared = Collections.newSetFromMap(new IdentityHashMap<>());
        }
        compared.addAll(candidates);
        candidates = candidates(hash, compared);
        seen = pushes;
      }
    }
  }

  /** The linked nodes of {@code hash}'s bucket with that exact hash, less those in {@code skip}. */
  private List<Node> candidates(int hash, @Nullable Set<Node> skip) {
    List<Node> found = new ArrayList<>(2);
    for (Node n = table[index(hash, table.length)]; n != null; n = n.chainNext) {
      if (n.hash == hash && (skip == null || !skip.contains(n))) {
        found.add(n);
      }
    }
    return found;
  }

  private void unlink(Node node) {
    Node prev = castToNonNull(node.prev);
    Node next = castToNonNull(node.next);
    prev.next = next;
    next.prev = prev;
    node.prev = null;
    node.next = null;
    Node chainPrev = node.chainPrev;
    Node chainNext = node.chainNext;
    if (chainPrev == null) {
      table[index(node.hash, table.length)] = chainNext;
    } else {
      chainPrev.chainNext = chainNext;
    }
    if (chainNext != null) {
      chainNext.chainPrev = chainPrev;
    }
    node.chainPrev = null;
    node.chainNext = null;
    if (--size == 0 && table.length > MIN_TABLE) {
      table = new Node[MIN_TABLE];
    }
  }

  // Identity on purpose: head is the list's sentinel node.
  @SuppressWarnings("ReferenceEquality")
  private void resize(int capacity) {
    @Nullable Node[] bigger = new Node[capacity];
    for (Node n = castToNonNull(head.next); n != head; n = castToNonNull(n.next)) {
      link(bigger, n);
    }
    table = bigger;
  }

  private static void link(@Nullable Node[] table, Node node) {
    int i = index(node.hash, table.length);
    Node first = table[i];
    node.chainPrev = null;
    node.chainNext = first;
    if (first != null) {
      first.chainPrev = node;
    }
    table[i] = node;
  }

  private static int index(int hash, int length) {
    return (hash ^ (hash >>> 16)) & (length - 1);
  }
}
