// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import static dev.exitscope.internal.Nulls.castToNonNull;

import dev.exitscope.ExitHandler;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The registrations of one scope: an array used as a stack, oldest first, plus a hash index of the
 * handlers ({@link SlotIndex}) so that removal by equality costs O(1 + matches) instead of a scan.
 *
 * <p>An entry is the handler itself for a plain registration ({@code register(handler)}: no object
 * is made for it, as {@code list.add} makes none), or a {@link Node} for any other (arguments, a
 * name, a timeout, a nested scope, a {@link dev.exitscope.Registration} to return). A removal of
 * the newest or the oldest entry moves the top or the bottom past it and any holes beside it; a
 * removal from between leaves a hole ({@code null}) that pops skip, each once. Entries move down
 * over the holes and below the bottom only when a push finds the slots full and as many of them
 * free as in use, so each removal costs O(1) amortized, and removing the oldest moves nothing.
 *
 * <p>The index is built by the first removal by equality (O(n), once), not by every push: most
 * programs never remove by equality, and a handler's hash (an identity hash, for a lambda) costs a
 * registration more than the rest of it. Once built, pushes hash their handler before they take the
 * lock and keep the index up to date, until the stack is drained (cleared, closed or run at exit).
 * It stays when removals empty the stack: a program that removes by equality once (a service that
 * unregisters each request's resource) does it again, often with few registrations alive.
 *
 * <p>Thread-safe. Its lock guards every field; user code ({@code equals}, {@code hashCode}, the
 * handlers) never runs under it, so user code may call back into the stack.
 */
public final class HandlerStack {
  private static final int MIN_SLOTS = 16;

  /** Slots this many or more are given back when the stack empties. */
  private static final int SHRINK_FROM = 1024;

  /**
   * The entries, oldest first, in {@code [bottom, top)}; {@code null} where one was removed, and in
   * every slot outside that range.
   */
  private @Nullable Object[] slots = new Object[MIN_SLOTS];

  private int top;

  /** The oldest entry's slot, or {@link #top} if there is none. */
  private int bottom;

  /** The entries in {@link #slots}, holes not counted. */
  private int size;

  /** Counts pushes, so that {@link #removeEqual} notices those made while it ran user code. */
  private long pushes;

  /** Counts the times entries moved to other slots (compaction, drain, shrinking). */
  private int moves;

  /** Once set, pushes are refused (the caller runs the handler at once instead). */
  private volatile boolean closed;

  /** Runs of this stack under way: explicit ones, and the run at exit (nested scopes' included). */
  private volatile int runs;

  /** Set once a scope is registered in this one: only then may its entries hold scopes. */
  private volatile boolean mayHoldScopes;

  /**
   * The hash index: null until a removal by equality needs it, and again once drained. Indexes
   * every entry, once the removal that made it has hashed those the stack held then (pushes made
   * since are indexed as they come).
   */
  private @Nullable SlotIndex index;

  /**
   * Adds a plain handler as the newest registration; while the index exists, hashes it first,
   * outside the lock. Touches no {@link Node}, so that a program that only registers never loads
   * that class.
   *
   * @return {@code false}, adding nothing, if the stack is closed
   */
  public boolean push(ExitHandler handler) {
    if (index == null) { // read without the lock: a hint, checked again under it
      synchronized (this) {
        int t = top;
        @Nullable Object[] s = slots;
        if (index == null && t < s.length && !closed) {
          // The common case, written out here rather than called, so that the JIT makes one
          // compilation of it (one call is one more, and the JVM's exit waits for those).
          s[t] = handler;
          top = t + 1;
          size++;
          pushes++;
          return true;
        }
      }
    }
    return push(handler, null);
  }

  /** Adds {@code node} as the newest registration; see {@link #push(ExitHandler)}. */
  public boolean push(Node node) {
    if (node instanceof Node.Nested) {
      mayHoldScopes = true;
    }
    return push(node, node);
  }

  private boolean push(Object entry, @Nullable Node node) {
    boolean hashed = index != null; // read without the lock: a hint, checked again under it
    int hash = hashed ? hashOf(key(entry)) : 0;
    while (true) {
      synchronized (this) {
        if (closed) {
          return false;
        }
        if (index == null || hashed) {
          if (top == slots.length) {
            makeRoom();
          }
          int t = top++;
          slots[t] = entry;
          size++;
          pushes++;
          if (node != null) {
            node.slot = t;
          }
          SlotIndex ix = index;
          if (ix != null) {
            ix.add(t, hash);
          }
          return true;
        }
      }
      hash = hashOf(key(entry)); // the index was made meanwhile
      hashed = true;
    }
  }

  /** Removes {@code node} if it is still in the stack; O(1) amortized. */
  // Identity on purpose: is this very node still in its slot?
  @SuppressWarnings("ReferenceEquality")
  public synchronized boolean remove(Node node) {
    int i = node.slot;
    if (i < 0 || i >= top || slots[i] != node) { // never pushed, gone, or drained
      return false;
    }
    removeAt(i);
    return true;
  }

  /**
   * Removes and returns the newest entry (a handler or a {@link Node}), or null if there is none.
   */
  public synchronized @Nullable Object pop() {
    return popHeld(false);
  }

  /**
   * Like {@link #pop()}, but when the stack is empty closes it in the same step, so that no push
   * can slip in between the last pop and the close.
   */
  public synchronized @Nullable Object popOrClose() {
    return popHeld(true);
  }

  /**
   * {@link #popOrClose()} for a caller that holds this stack's lock: the run at exit, which calls
   * it once a handler. The common case (no index, no hole on top) is written out here rather than
   * called, so that the JIT makes one compilation of it (the JVM's exit waits for those under way).
   */
  @Nullable Object popOrCloseHeld() {
    int t = top - 1;
    @Nullable Object[] s = slots;
    if (t >= 0 && index == null) {
      Object newest = s[t];
      if (newest != null) {
        s[t] = null;
        top = t;
        size--;
        return newest;
      }
    }
    return popHeld(true);
  }

  private @Nullable Object popHeld(boolean close) {
    for (int t = top - 1; t >= bottom; t--) {
      Object newest = slots[t];
      if (newest != null) {
        top = t + 1; // below the holes just passed, so that no pop passes them again
        removeAt(t);
        return newest;
      }
    }
    top = 0;
    bottom = 0;
    if (close) {
      closed = true;
    }
    return null;
  }

  /** Closes the stack and returns what it still held, newest first; those will never run here. */
  public synchronized List<Object> closeAndDrain() {
    closed = true;
    return drain();
  }

  /**
   * Removes every registration and returns them, newest first: the slots themselves, holes taken
   * out, seen through a list, so that draining a million costs about one pass over an array (at the
   * deadline, on the exit's watchdog).
   */
  public synchronized List<Object> drain() {
    @Nullable Object[] s = slots;
    int n = size;
    if (bottom != 0 || n != top) {
      int w = 0;
      for (int r = bottom; r < top; r++) {
        if (s[r] != null) {
          s[w++] = s[r];
        }
      }
    }
    slots = new Object[MIN_SLOTS];
    top = 0;
    bottom = 0;
    size = 0;
    moves++;
    index = null; // pushes stop hashing until the next removal by equality
    return new Drained(s, n);
  }

  /** Whether a scope was ever registered in this one, so that its entries may hold scopes. */
  public boolean mayHoldScopes() {
    return mayHoldScopes;
  }

  public synchronized int size() {
    return size;
  }

  public boolean isClosed() {
    return closed;
  }

  /** A run of this stack starts: {@code ExitScope.run()}, {@code close()}, or the exit's. */
  public synchronized void runStarted() {
    runs++;
  }

  /** A run that {@link #runStarted} is over. */
  public synchronized void runEnded() {
    runs--;
  }

  /** Whether a run of this stack is under way. */
  public boolean isRunning() {
    return runs > 0;
  }

  /**
   * Removes every registration whose handler equals {@code target}, as Python's {@code
   * atexit.unregister} does: identity first, then {@code registered.equals(target)}, then {@code
   * target.equals(registered)}; a match is either side saying so.
   *
   * <p>Only the handlers with {@code target}'s hash are compared, and {@code equals} runs without
   * the lock. When every one of them is {@code target} itself (a service unregistering the resource
   * it registered), no {@code equals} runs and the call takes the lock once. Otherwise the removal
   * happens under the lock after the comparisons, once it checked that nothing was pushed or moved
   * meanwhile (if something was, handlers not yet compared are compared too), so the call is atomic
   * with respect to pushes: a handler pushed before this call returns and equal to {@code target}
   * is removed.
   *
   * @return how many registrations were removed
   * @throws RuntimeException whatever {@code target}'s {@code equals} or {@code hashCode}, or a
   *     registered handler's {@code equals}, throws; nothing is removed then
   */
  // Identity on purpose: identity first, then equals, as Python's "is" before "==".
  @SuppressWarnings("ReferenceEquality")
  public int removeEqual(Object target) {
    int hash = target.hashCode();
    int slot = -1;
    Object entry = null;
    long seen = 0;
    int seenMoves = 0;
    synchronized (this) {
      SlotIndex ix = index;
      if (ix != null && ix.count() == size) {
        int identical = 0;
        int others = 0;
        for (int p = ix.first(hash); p >= 0 && others < 2; p = ix.next(p)) {
          if (ix.hash(p) == hash) {
            if (key(castToNonNull(slots[p])) == target) {
              identical++;
            } else {
              others++;
              slot = p;
            }
          }
        }
        if (others == 0) {
          return identical == 0 ? 0 : removeIdentical(ix, hash, target);
        }
        if (others == 1 && identical == 0) { // one to compare: no list of candidates made
          entry = slots[slot];
          seen = pushes;
          seenMoves = moves;
        }
      }
    }
    if (entry == null) {
      return removeEqual(target, hash, null);
    }
    Object key = key(entry);
    boolean equal = key.equals(target) || target.equals(key);
    synchronized (this) {
      if (pushes == seen && moves == seenMoves) {
        if (!equal || slots[slot] != entry) {
          return 0; // not equal, or removed meanwhile
        }
        removeAt(slot);
        return 1;
      }
    }
    IdentityHashMap<Object, Boolean> known = new IdentityHashMap<>(4);
    known.put(key, equal);
    return removeEqual(target, hash, known);
  }

  /**
   * {@link #removeEqual(Object)} in general: an index to build first, several handlers to compare,
   * or pushes or moves while comparing; {@code known} holds what earlier passes found.
   */
  private int removeEqual(
      Object target, int hash, @Nullable IdentityHashMap<Object, Boolean> known) {
    while (true) {
      Candidates found = null;
      Unindexed missing = null;
      synchronized (this) {
        SlotIndex ix = index;
        if (ix == null || ix.count() != size) {
          missing = unindexed(); // null if the index it made has them all (an empty stack)
        }
        if (missing == null) {
          found = candidates(castToNonNull(index), hash, target, known);
          if (found.unknown == 0) { // identity and earlier passes decide: no user code runs
            found.compare(target);
            return removeMatched(found);
          }
        }
      }
      if (missing != null) {
        index(missing);
        continue;
      }
      Candidates c = castToNonNull(found);
      c.compare(target); // without the lock; a failure removes nothing
      synchronized (this) {
        if (pushes == c.pushes && moves == c.moves) {
          return removeMatched(c);
        }
      }
      known = c.results(); // the next pass compares only what is new
    }
  }

  /**
   * The entries whose key has {@code hash}, as of now: listed one by one, or, in a first pass that
   * finds them to be more than an eighth of the slots in use, every slot in use copied at once.
   */
  private Candidates candidates(
      SlotIndex ix, int hash, Object target, @Nullable IdentityHashMap<Object, Boolean> known) {
    int many = known == null ? 8 + ((top - bottom) >>> 3) : Integer.MAX_VALUE;
    int[] found = new int[4];
    int n = 0;
    for (int p = ix.first(hash); p >= 0; p = ix.next(p)) {
      if (ix.hash(p) == hash) {
        if (n == many) {
          return Candidates.copied(hash, slots, ix.hashes(), bottom, top, pushes, moves);
        }
        if (n == found.length) {
          found = Arrays.copyOf(found, n * 2);
        }
        found[n++] = p;
      }
    }
    return Candidates.listed(found, n, slots, target, pushes, moves, known);
  }

  /**
   * Removes the candidates found equal, each if still in its slot: all are when nothing was pushed
   * or moved since they were found, unless removed meanwhile.
   */
  // Identity on purpose: is this very registration still in its slot?
  @SuppressWarnings("ReferenceEquality")
  private int removeMatched(Candidates c) {
    int removed = 0;
    for (int m = 0; m < c.matches(); m++) {
      int p = c.matchedSlot(m);
      if (p < top && slots[p] == c.matchedEntry(m)) { // the stack may have emptied, shrunk
        removeAt(p);
        removed++;
      }
    }
    return removed;
  }

  /** Removes the entries of {@code hash}'s chain whose key is {@code target}. */
  // Identity on purpose: identity first, as Python's "is" before "==".
  @SuppressWarnings("ReferenceEquality")
  private int removeIdentical(SlotIndex ix, int hash, Object target) {
    int removed = 0;
    for (int p = ix.first(hash); p >= 0; ) {
      int next = ix.next(p);
      if (ix.hash(p) == hash && key(castToNonNull(slots[p])) == target) {
        removeAt(p);
        removed++;
      }
      p = next;
    }
    return removed;
  }

  /**
   * Empties slot {@code i}, which holds an entry; moves the top down or the bottom up past the
   * holes beside it, so that no pop or removal passes those again.
   */
  private void removeAt(int i) {
    SlotIndex ix = index;
    if (ix != null && ix.has(i)) {
      ix.remove(i);
    }
    @Nullable Object[] s = slots;
    s[i] = null;
    if (--size == 0) {
      top = 0;
      bottom = 0;
      if (s.length >= SHRINK_FROM) { // give the memory back; keep the index, small
        slots = new Object[MIN_SLOTS];
        moves++;
        if (ix != null) {
          index = new SlotIndex(MIN_SLOTS, 0);
        }
      }
    } else if (i == top - 1) {
      int t = i;
      while (s[t - 1] == null) {
        t--;
      }
      top = t;
    } else if (i == bottom) {
      int b = i + 1;
      while (s[b] == null) {
        b++;
      }
      bottom = b;
    }
  }

  /**
   * Makes room for one more entry: moves the entries down over the holes if at least as many slots
   * as entries (and {@value #MIN_SLOTS}) are then free, so that the next move is as many pushes
   * away as it moves entries; else grows the slots.
   */
  private void makeRoom() {
    if (slots.length - size > size + MIN_SLOTS) {
      compact();
      return;
    }
    int capacity = slots.length + (slots.length >>> 1);
    slots = Arrays.copyOf(slots, capacity);
    SlotIndex ix = index;
    if (ix != null) {
      ix.grow(capacity);
    }
  }

  private void compact() {
    @Nullable Object[] s = slots;
    SlotIndex ix = index;
    int w = 0;
    for (int r = bottom; r < top; r++) {
      Object entry = s[r];
      if (entry == null) {
        continue;
      }
      if (w != r) {
        s[w] = entry;
        if (ix != null) {
          ix.moved(r, w);
        }
        if (entry instanceof Node node) {
          node.slot = w;
        }
      }
      w++;
    }
    Arrays.fill(s, w, top, null);
    top = w;
    bottom = 0;
    moves++;
    if (ix != null) {
      ix.relinked(w);
    }
  }

  /** The entries not yet indexed, after making the index if there is none; null if all are. */
  private @Nullable Unindexed unindexed() {
    SlotIndex ix = index;
    if (ix == null) {
      ix = new SlotIndex(slots.length, size);
      index = ix;
    }
    if (ix.count() == size) {
      return null;
    }
    Unindexed missing = new Unindexed(size - ix.count(), moves);
    for (int i = bottom; i < top; i++) {
      Object entry = slots[i];
      if (entry != null && !ix.has(i)) {
        missing.add(i, entry);
      }
    }
    return missing;
  }

  /**
   * Hashes {@code missing} without the lock, then indexes those still in their slots and not
   * indexed by another thread meanwhile.
   */
  // Identity on purpose: is this very registration still in its slot?
  @SuppressWarnings("ReferenceEquality")
  private void index(Unindexed missing) {
    int[] hashed = new int[missing.count];
    for (int i = 0; i < missing.count; i++) {
      hashed[i] = hashOf(key(castToNonNull(missing.entries[i])));
    }
    synchronized (this) {
      SlotIndex ix = index;
      if (ix == null || moves != missing.moves) {
        return; // drained or moved meanwhile: the caller looks again
      }
      for (int i = 0; i < missing.count; i++) {
        int p = missing.slots[i];
        if (p < top && slots[p] == missing.entries[i] && !ix.has(p)) {
          ix.add(p, hashed[i]);
        }
      }
    }
  }

  /** What a removal by equality compares: the handler, whatever its arguments or name. */
  static Object key(Object entry) {
    return entry instanceof Node node ? node.handler : entry;
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

  /** Drained entries, newest first: the oldest-first slots read from the end. */
  private static final class Drained extends AbstractList<Object> implements RandomAccess {
    private final @Nullable Object[] oldestFirst;
    private final int size;

    Drained(@Nullable Object[] oldestFirst, int size) {
      this.oldestFirst = oldestFirst;
      this.size = size;
    }

    @Override
    public Object get(int index) {
      return castToNonNull(oldestFirst[size - 1 - Objects.checkIndex(index, size)]);
    }

    @Override
    public int size() {
      return size;
    }
  }

  /** The entries an index being built still lacks, with their slots as of {@code moves}. */
  private static final class Unindexed {
    final int[] slots;
    final @Nullable Object[] entries;
    final int moves;
    int count;

    Unindexed(int capacity, int moves) {
      this.slots = new int[capacity];
      this.entries = new Object[capacity];
      this.moves = moves;
    }

    void add(int slot, Object entry) {
      slots[count] = slot;
      entries[count++] = entry;
    }
  }
}
