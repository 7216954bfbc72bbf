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
 * <p>The index is built by the first removal by equality (O(n), once), not by every push: most
 * programs never remove by equality, and a handler's hash (an identity hash, for a lambda) costs a
 * registration more than the rest of it. Once built, pushes keep it up to date, until the stack is
 * empty again.
 *
 * <p>Thread-safe. Its lock guards only the links; user code ({@code equals}, {@code hashCode}, the
 * handlers) never runs under it, so user code may call back into the stack.
 */
public final class HandlerStack {
  private static final int MIN_TABLE = 16;

  /**
   * Sentinel of the circular list: {@code head.next} is the newest, {@code head.prev} the oldest.
   */
  private final Node head = new Node((Object) this, null);

  /**
   * The hash index; null until a removal by equality needs it, and again once the stack empties.
   */
  private @Nullable Node @Nullable [] table;

  private int size;

  /** How many nodes are in {@link #table}: all of them ({@link #size}) once it is built. */
  private int indexed;

  /** Counts pushes, so that {@link #removeEqual} notices those made while it ran user code. */
  private long pushes;

  /** Once set, pushes are refused (the caller runs the handler at once instead). */
  private volatile boolean closed;

  public HandlerStack() {
    head.prev = head;
    head.next = head;
  }

  /**
   * Adds {@code node} as the newest registration; while the index exists, hashes its handler first,
   * outside the lock.
   *
   * @return {@code false}, adding nothing, if the stack is closed
   */
  @SuppressWarnings("NullAway") // head.next: a linked node's links are never null
  public boolean push(Node node) {
    synchronized (this) {
      if (table == null && !closed) {
        // No index: the common case, written out here rather than called, so that the JIT makes
        // one compilation of it (one call is one more, and the JVM's exit waits for those).
        Node newest = head.next;
        node.prev = head;
        node.next = newest;
        newest.prev = node;
        head.next = node;
        size++;
        pushes++;
        return true;
      }
    }
    return pushIndexed(node);
  }

  /** {@link #push} while the index exists, or on a closed stack. */
  private boolean pushIndexed(Node node) {
    boolean hashed = false;
    while (true) {
      synchronized (this) {
        if (closed) {
          return false;
        }
        @Nullable Node[] t = table;
        if (t == null || hashed) {
          linkNewest(node);
          if (t != null) {
            index(t, node);
          }
          return true;
        }
      }
      node.hash = hashOf(node.handler);
      hashed = true;
    }
  }

  @SuppressWarnings("NullAway") // head.next: a linked node's links are never null
  private void linkNewest(Node node) {
    Node newest = head.next;
    node.prev = head;
    node.next = newest;
    newest.prev = node;
    head.next = node;
    size++;
    pushes++;
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
    return popOrCloseHeld();
  }

  /**
   * {@link #popOrClose()} for a caller that holds this stack's lock: the run at exit, which calls
   * it once a handler. Without an index, unlinks in place rather than by a call, so that the JIT
   * makes one compilation of it (the JVM's exit waits for those under way).
   */
  // Identity on purpose: head is the list's sentinel node.
  @SuppressWarnings({"ReferenceEquality", "NullAway"}) // a linked node's links are never null
  @Nullable Node popOrCloseHeld() {
    Node newest = head.next;
    if (newest == head) {
      closed = true;
      return null;
    }
    if (table != null) {
      unlink(newest);
      return newest;
    }
    Node next = newest.next;
    head.next = next;
    next.prev = head;
    newest.prev = null;
    newest.next = null;
    size--;
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
    table = null;
    size = 0;
    indexed = 0;
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
   * atexit.unregister} does: identity first, then {@code registered.equals(target)}, then {@code
   * target.equals(registered)}; a match is either side saying so.
   *
   * <p>{@code equals} runs without the lock, on the candidates of {@code target}'s hash bucket
   * only. The removal itself happens under the lock, after checking that no equal-hash handler was
   * pushed meanwhile (if one was, it is compared too), so the call is atomic with respect to
   * pushes: a handler pushed before this call returns and equal to {@code target} is removed.
   *
   * @return how many registrations were removed
   * @throws RuntimeException whatever {@code target}'s {@code equals} or {@code hashCode}, or a
   *     registered handler's {@code equals}, throws; nothing is removed then
   */
  // Identity on purpose: identity first, then equals, as Python's "is" before "==".
  @SuppressWarnings("ReferenceEquality")
  public int removeEqual(Object target) {
    int hash = target.hashCode();
    List<Node> matched = new ArrayList<>(2);
    @Nullable Set<Node> compared = null; // made only when a push interferes
    while (true) {
      List<Node> candidates = List.of();
      @Nullable Node[] unindexed;
      long seen = 0;
      synchronized (this) {
        unindexed = unindexed();
        if (unindexed == null) {
          candidates = candidates(hash, compared);
          seen = pushes;
        }
      }
      if (unindexed != null) {
        index(unindexed);
        continue;
      }
      for (Node n : candidates) {
        if (n.handler == target || n.handler.equals(target) || target.equals(n.handler)) {
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
      }
    }
  }

  /**
   * Makes the index if there is none and returns the nodes not in it yet, or null if all are.
   * Called holding the lock; O(n) only while the index is being built.
   */
  // Identity on purpose: head is the list's sentinel node.
  @SuppressWarnings("ReferenceEquality")
  private @Nullable Node @Nullable [] unindexed() {
    @Nullable Node[] t = table;
    if (t == null) {
      int capacity = MIN_TABLE;
      while (size > capacity - (capacity >>> 2)) {
        capacity <<= 1;
      }
      table = t = new Node[capacity];
    }
    if (indexed == size) {
      return null;
    }
    @Nullable Node[] missing = new Node[size - indexed];
    int i = 0;
    for (Node n = castToNonNull(head.next); n != head; n = castToNonNull(n.next)) {
      if (!isIndexed(t, n)) {
        missing[i++] = n;
      }
    }
    return missing;
  }

  /**
   * Hashes {@code nodes} without the lock, then indexes those still in the stack and not indexed by
   * another thread meanwhile. A node's hash is written only under the lock, so that it always names
   * the bucket the node is in.
   */
  private void index(@Nullable Node[] nodes) {
    int[] hashes = new int[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      hashes[i] = hashOf(castToNonNull(nodes[i]).handler);
    }
    synchronized (this) {
      @Nullable Node[] t = table;
      if (t == null) {
        return; // the stack emptied meanwhile; its nodes are gone
      }
      for (int i = 0; i < nodes.length; i++) {
        Node n = castToNonNull(nodes[i]);
        if (n.prev != null && !isIndexed(t, n)) {
          n.hash = hashes[i];
          t = index(t, n);
        }
      }
    }
  }

  /** Links {@code node}, whose hash is set, into the index; returns the index, maybe resized. */
  private @Nullable Node[] index(@Nullable Node[] t, Node node) {
    link(t, node);
    if (++indexed > t.length - (t.length >>> 2)) {
      t = resize(t, t.length << 1);
    }
    return t;
  }

  /** The linked nodes of {@code hash}'s bucket with that exact hash, less those in {@code skip}. */
  private List<Node> candidates(int hash, @Nullable Set<Node> skip) {
    List<Node> found = new ArrayList<>(2);
    @Nullable Node[] t = castToNonNull(table);
    for (Node n = t[index(hash, t.length)]; n != null; n = n.chainNext) {
      if (n.hash == hash && (skip == null || !skip.contains(n))) {
        found.add(n);
      }
    }
    return found;
  }

  @SuppressWarnings("NullAway") // a linked node's links are never null
  private void unlink(Node node) {
    Node prev = node.prev;
    Node next = node.next;
    prev.next = next;
    next.prev = prev;
    node.prev = null;
    node.next = null;
    --size;
    @Nullable Node[] t = table;
    if (t == null) {
      return;
    }
    if (isIndexed(t, node)) {
      Node chainPrev = node.chainPrev;
      Node chainNext = node.chainNext;
      if (chainPrev == null) {
        t[index(node.hash, t.length)] = chainNext;
      } else {
        chainPrev.chainNext = chainNext;
      }
      if (chainNext != null) {
        chainNext.chainPrev = chainPrev;
      }
      node.chainPrev = null;
      node.chainNext = null;
      indexed--;
    }
    if (size == 0) {
      table = null; // pushes stop hashing until the next removal by equality
      indexed = 0;
    }
  }

  private @Nullable Node[] resize(@Nullable Node[] old, int capacity) {
    @Nullable Node[] bigger = new Node[capacity];
    for (Node first : old) {
      for (Node n = first; n != null; ) {
        Node next = n.chainNext;
        link(bigger, n);
        n = next;
      }
    }
    table = bigger;
    return bigger;
  }

  /**
   * Whether {@code node}, in the stack, is in the index {@code t}: first of its bucket or linked.
   */
  // Identity on purpose: is this very node the first of its bucket?
  @SuppressWarnings("ReferenceEquality")
  private static boolean isIndexed(@Nullable Node[] t, Node node) {
    return node.chainPrev != null || t[index(node.hash, t.length)] == node;
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

  /**
   * A handler's hash; a {@code hashCode} that throws (breaking its contract) is replaced by the
   * identity hash, so that the handler is still found by identity and nobody else is blamed.
   */
  private static int hashOf(Object handler) {
    try {
      return handler.hashCode();
    } catch (Throwable broken) {
      return System.identityHashCode(handler);
    }
  }
}
