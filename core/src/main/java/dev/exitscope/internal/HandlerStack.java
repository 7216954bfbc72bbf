// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import static dev.exitscope.internal.Nulls.castToNonNull;

import dev.exitscope.ExitHandler;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The registrations of one scope: an array used as a stack, oldest first, plus a hash index of the
 * handlers so that removal by equality costs O(1 + matches) instead of a scan.
 *
 * <p>An entry is the handler itself for a plain registration ({@code register(handler)}: no object
 * is made for it, as {@code list.add} makes none), or a {@link Node} for any other (arguments, a
 * name, a timeout, a nested scope, a {@link dev.exitscope.Registration} to return). A removal from
 * below the top leaves a hole ({@code null}) that pops skip, each once; once holes are half the
 * slots in use, the entries are moved down, so each removal costs O(1) amortized.
 *
 * <p>The index is built by the first removal by equality (O(n), once), not by every push: most
 * programs never remove by equality, and a handler's hash (an identity hash, for a lambda) costs a
 * registration more than the rest of it. Once built, pushes keep it up to date, until the stack is
 * empty again.
 *
 * <p>Thread-safe. Its lock guards every field; user code ({@code equals}, {@code hashCode}, the
 * handlers) never runs under it, so user code may call back into the stack.
 */
public final class HandlerStack {
  private static final int MIN_SLOTS = 16;
  private static final int MIN_TABLE = 16;

  /** The entries, oldest first, in {@code [0, top)}; {@code null} where one was removed. */
  private @Nullable Object[] slots = new Object[MIN_SLOTS];

  private int top;

  /** The entries in {@link #slots}, holes not counted. */
  private int size;

  /** Counts pushes, so that {@link #removeEqual} notices those made while it ran user code. */
  private long pushes;

  /** Counts compactions, which move entries to other slots. */
  private int moves;

  /** Once set, pushes are refused (the caller runs the handler at once instead). */
  private volatile boolean closed;

  /** Runs of this stack under way: explicit ones, and the run at exit (nested scopes' included). */
  private volatile int runs;

  /** Set once a scope is registered in this one: only then may its entries hold scopes. */
  private volatile boolean mayHoldScopes;

  // The hash index: null until a removal by equality needs it, and again once the stack empties.
  // A bucket holds its first slot + 1 (0: empty); a slot's link is 0 if the slot is not indexed,
  // 1 if it is the last of its bucket, else the next slot + 2; its back link is the previous slot
  // + 1 (0: the first of its bucket), so that taking a slot out costs O(1) even when many handlers
  // share a hash; its hash is its key's hashCode.

  private int @Nullable [] buckets;
  private int @Nullable [] links;
  private int @Nullable [] backs;
  private int @Nullable [] hashes;

  /** How many slots are indexed: all entries ({@link #size}) once the index is built. */
  private int indexed;

  /**
   * Adds a plain handler as the newest registration; while the index exists, hashes it first,
   * outside the lock. Touches no {@link Node}, so that a program that only registers never loads
   * that class.
   *
   * @return {@code false}, adding nothing, if the stack is closed
   */
  public boolean push(ExitHandler handler) {
    synchronized (this) {
      int t = top;
      @Nullable Object[] s = slots;
      if (buckets == null && t < s.length && !closed) {
        // The common case, written out here rather than called, so that the JIT makes one
        // compilation of it (one call is one more, and the JVM's exit waits for those).
        s[t] = handler;
        top = t + 1;
        size++;
        pushes++;
        return true;
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
    boolean hashed = false;
    int hash = 0;
    while (true) {
      synchronized (this) {
        if (closed) {
          return false;
        }
        if (buckets == null || hashed) {
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
          if (buckets != null) {
            castToNonNull(hashes)[t] = hash;
            index(t);
          }
          return true;
        }
      }
      hash = hashOf(key(entry));
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
    compactIfSparse();
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
    if (t >= 0 && buckets == null) {
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
    for (int t = top - 1; t >= 0; t--) {
      Object newest = slots[t];
      if (newest != null) {
        top = t + 1; // below the holes just passed, so that no pop passes them again
        removeAt(t);
        return newest;
      }
    }
    top = 0;
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
    if (n != top) {
      int w = 0;
      for (int r = 0; r < top; r++) {
        if (s[r] != null) {
          s[w++] = s[r];
        }
      }
    }
    slots = new Object[MIN_SLOTS];
    top = 0;
    size = 0;
    dropIndex();
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
   * <p>{@code equals} runs without the lock, on the handlers of {@code target}'s hash bucket only,
   * once for each handler object. The removal itself happens under the lock, after checking that
   * nothing was pushed meanwhile (if something was, handlers not yet compared are compared too), so
   * the call is atomic with respect to pushes: a handler pushed before this call returns and equal
   * to {@code target} is removed.
   *
   * @return how many registrations were removed
   * @throws RuntimeException whatever {@code target}'s {@code equals} or {@code hashCode}, or a
   *     registered handler's {@code equals}, throws; nothing is removed then
   */
  // Identity on purpose: identity first, then equals, as Python's "is" before "==".
  @SuppressWarnings("ReferenceEquality")
  public int removeEqual(Object target) {
    int hash = target.hashCode();
    IdentityHashMap<Object, Boolean> compared = new IdentityHashMap<>(4);
    while (true) {
      List<Object> candidates = List.of();
      @Nullable Unindexed missing;
      long seen = 0;
      synchronized (this) {
        missing = unindexed();
        if (missing == null) {
          candidates = candidates(hash, compared);
          seen = pushes;
        }
      }
      if (missing != null) {
        index(missing);
        continue;
      }
      for (Object key : candidates) {
        if (!compared.containsKey(key)) {
          compared.put(key, key == target || key.equals(target) || target.equals(key));
        }
      }
      synchronized (this) {
        if (pushes == seen) {
          return removeMatched(hash, compared);
        }
      }
    }
  }

  /** The keys in {@code hash}'s bucket with that exact hash, less those in {@code skip}. */
  private List<Object> candidates(int hash, IdentityHashMap<Object, Boolean> skip) {
    List<Object> found = new ArrayList<>(2);
    int[] h = castToNonNull(hashes);
    for (int p = first(hash); p >= 0; p = next(p)) {
      Object key = key(castToNonNull(slots[p]));
      if (h[p] == hash && !skip.containsKey(key)) {
        found.add(key);
      }
    }
    return found;
  }

  /** Removes the entries of {@code hash} whose key {@code compared} says is equal. */
  private int removeMatched(int hash, IdentityHashMap<Object, Boolean> compared) {
    if (buckets == null) {
      return 0; // the stack emptied meanwhile
    }
    int[] h = castToNonNull(hashes);
    int[] matched = new int[4];
    int n = 0;
    for (int p = first(hash); p >= 0; p = next(p)) {
      if (h[p] == hash && Boolean.TRUE.equals(compared.get(key(castToNonNull(slots[p]))))) {
        if (n == matched.length) {
          matched = Arrays.copyOf(matched, n * 2);
        }
        matched[n++] = p;
      }
    }
    for (int i = 0; i < n; i++) {
      removeAt(matched[i]);
    }
    compactIfSparse();
    return n;
  }

  /** Empties slot {@code i}, which holds an entry; lowers the top past the holes under it. */
  private void removeAt(int i) {
    int[] l = links;
    if (l != null && l[i] != 0) {
      unindex(i);
    }
    @Nullable Object[] s = slots;
    s[i] = null;
    if (--size == 0) {
      top = 0;
      dropIndex(); // pushes stop hashing until the next removal by equality
    } else if (i == top - 1) {
      int t = i;
      while (s[t - 1] == null) {
        t--;
      }
      top = t;
    }
  }

  /** Moves the entries down over the holes once these are half the slots in use. */
  private void compactIfSparse() {
    if (top >= MIN_SLOTS && size < top >>> 1) {
      compact();
    }
  }

  /** Makes room for one more entry: moves the entries over the holes, or grows the slots. */
  private void makeRoom() {
    if (size < top >>> 1) {
      compact();
      return;
    }
    int capacity = slots.length + (slots.length >>> 1);
    slots = Arrays.copyOf(slots, capacity);
    if (links != null) {
      links = Arrays.copyOf(links, capacity);
      backs = Arrays.copyOf(castToNonNull(backs), capacity);
      hashes = Arrays.copyOf(castToNonNull(hashes), capacity);
    }
  }

  private void compact() {
    @Nullable Object[] s = slots;
    int[] l = links;
    int[] h = hashes;
    int w = 0;
    for (int r = 0; r < top; r++) {
      Object entry = s[r];
      if (entry == null) {
        continue;
      }
      s[w] = entry;
      if (l != null) {
        l[w] = l[r] == 0 ? 0 : 1; // indexed or not, relinked below
        castToNonNull(h)[w] = castToNonNull(h)[r];
      }
      if (entry instanceof Node node) {
        node.slot = w;
      }
      w++;
    }
    Arrays.fill(s, w, top, null);
    top = w;
    moves++;
    if (l != null) {
      Arrays.fill(l, w, l.length, 0);
      relink(castToNonNull(buckets).length);
    }
  }

  /** The slots not yet indexed, after making the index if there is none; null if all are. */
  private @Nullable Unindexed unindexed() {
    if (buckets == null) {
      int capacity = MIN_TABLE;
      while (size > capacity - (capacity >>> 2)) {
        capacity <<= 1;
      }
      buckets = new int[capacity];
      links = new int[slots.length];
      backs = new int[slots.length];
      hashes = new int[slots.length];
      indexed = 0;
    }
    if (indexed == size) {
      return null;
    }
    int[] l = castToNonNull(links);
    Unindexed missing = new Unindexed(size - indexed, moves);
    for (int i = 0; i < top; i++) {
      Object entry = slots[i];
      if (entry != null && l[i] == 0) {
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
      if (buckets == null || moves != missing.moves) {
        return; // emptied or moved meanwhile: the caller looks again
      }
      for (int i = 0; i < missing.count; i++) {
        int p = missing.slots[i];
        if (p < top && slots[p] == missing.entries[i] && castToNonNull(links)[p] == 0) {
          castToNonNull(hashes)[p] = hashed[i];
          index(p);
        }
      }
    }
  }

  /** Links slot {@code p}, whose hash is set, into the index, growing it if needed. */
  private void index(int p) {
    link(p);
    int[] b = castToNonNull(buckets);
    if (++indexed > b.length - (b.length >>> 2)) {
      relink(b.length << 1);
    }
  }

  /** Makes the buckets anew with {@code capacity} and links every indexed slot into them. */
  private void relink(int capacity) {
    buckets = new int[capacity];
    int[] l = castToNonNull(links);
    for (int p = 0; p < top; p++) {
      if (l[p] != 0) {
        link(p);
      }
    }
  }

  /** Makes slot {@code p}, whose hash is set, the first of its bucket. */
  private void link(int p) {
    int[] b = castToNonNull(buckets);
    int i = bucket(castToNonNull(hashes)[p], b.length);
    int first = b[i] - 1;
    castToNonNull(links)[p] = first + 2; // 1, the last, if there is no first
    castToNonNull(backs)[p] = 0;
    if (first >= 0) {
      castToNonNull(backs)[first] = p + 1;
    }
    b[i] = p + 1;
  }

  /** Takes slot {@code p} out of its bucket: O(1). */
  private void unindex(int p) {
    int[] l = castToNonNull(links);
    int[] back = castToNonNull(backs);
    int next = l[p] - 2; // -1: none
    int previous = back[p] - 1; // -1: p is the first
    if (previous < 0) {
      int[] b = castToNonNull(buckets);
      b[bucket(castToNonNull(hashes)[p], b.length)] = next + 1;
    } else {
      l[previous] = next + 2;
    }
    if (next >= 0) {
      back[next] = previous + 1;
    }
    l[p] = 0;
    back[p] = 0;
    indexed--;
  }

  private int first(int hash) {
    int[] b = castToNonNull(buckets);
    return b[bucket(hash, b.length)] - 1;
  }

  private int next(int p) {
    return castToNonNull(links)[p] - 2;
  }

  private void dropIndex() {
    buckets = null;
    links = null;
    backs = null;
    hashes = null;
    indexed = 0;
  }

  private static int bucket(int hash, int length) {
    return (hash ^ (hash >>> 16)) & (length - 1);
  }

  /** What a removal by equality compares: the handler, whatever its arguments or name. */
  private static Object key(Object entry) {
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
