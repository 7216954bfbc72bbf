// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import static dev.exitscope.internal.Nulls.castToNonNull;

import java.util.Arrays;
import java.util.IdentityHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What one pass of a removal by equality found in a {@link HandlerStack}: the registrations whose
 * key has the key's hash, copied under the stack's lock as of its {@code pushes} and {@code moves}
 * counts, then compared with the key without the lock; and which of them are equal.
 *
 * <p>Two forms, as the stack chose: a list of the candidates and their slots (the usual few), or,
 * when the candidates are a large share of the stack (hash codes that collide), a copy of every
 * slot in use and its hash, in which the candidates are those with the key's hash. Copying the
 * slots wholesale is an array copy, where copying candidates one by one costs a write barrier each.
 */
final class Candidates {
  final long pushes;
  final int moves;
  private final int hash;

  /** The candidates, or a copy of the slots from {@link #base} on. */
  private final @Nullable Object[] entries;

  /** Each candidate's slot; null for a copy of the slots. */
  private final int @Nullable [] slots;

  /** For a copy of the slots, their hashes; else null. */
  private final int @Nullable [] hashes;

  private final int base;

  /** What earlier passes of the same removal found, by key; null in the first pass. */
  private final @Nullable IdentityHashMap<Object, Boolean> known;

  /**
   * How many candidates need {@code equals}: 0 only if the key itself and {@link #known} decide
   * every one, so that {@link #compare} runs no user code and may run under the stack's lock.
   */
  final int unknown;

  private int[] matchedSlots = new int[2];
  private @Nullable Object[] matchedEntries = new Object[2];
  private int matches;

  private Candidates(
      int hash,
      @Nullable Object[] entries,
      int @Nullable [] slots,
      int @Nullable [] hashes,
      int base,
      long pushes,
      int moves,
      @Nullable IdentityHashMap<Object, Boolean> known,
      int unknown) {
    this.hash = hash;
    this.entries = entries;
    this.slots = slots;
    this.hashes = hashes;
    this.base = base;
    this.pushes = pushes;
    this.moves = moves;
    this.known = known;
    this.unknown = unknown;
  }

  /** The candidates in {@code slots[0, n)} (kept), their entries copied from {@code stackSlots}. */
  // Identity on purpose: identity first, as Python's "is" before "==".
  @SuppressWarnings("ReferenceEquality")
  static Candidates listed(
      int[] slots,
      int n,
      @Nullable Object[] stackSlots,
      Object target,
      long pushes,
      int moves,
      @Nullable IdentityHashMap<Object, Boolean> known) {
    @Nullable Object[] entries = new Object[n];
    int unknown = 0;
    for (int i = 0; i < n; i++) {
      Object entry = castToNonNull(stackSlots[slots[i]]);
      entries[i] = entry;
      Object key = HandlerStack.key(entry);
      if (key != target && (known == null || !known.containsKey(key))) {
        unknown++;
      }
    }
    return new Candidates(0, entries, slots, null, 0, pushes, moves, known, unknown);
  }

  /**
   * Every slot of {@code stackSlots[from, to)} and its hash: the candidates are the entries with
   * {@code hash}. Only for a first pass, and only when many slots have it.
   */
  static Candidates copied(
      int hash,
      @Nullable Object[] stackSlots,
      int[] stackHashes,
      int from,
      int to,
      long pushes,
      int moves) {
    return new Candidates(
        hash,
        Arrays.copyOfRange(stackSlots, from, to),
        null,
        Arrays.copyOfRange(stackHashes, from, to),
        from,
        pushes,
        moves,
        null,
        to - from);
  }

  /**
   * Finds which candidates are equal to {@code target}: identity, else what an earlier pass found,
   * else {@code registered.equals(target)}, then {@code target.equals(registered)}. Runs user code
   * unless {@link #unknown} is 0: then never under the stack's lock.
   */
  // Identity on purpose: identity first, as Python's "is" before "==".
  @SuppressWarnings("ReferenceEquality")
  void compare(Object target) {
    @Nullable Object[] e = entries;
    int[] h = hashes;
    IdentityHashMap<Object, Boolean> k = known;
    for (int i = 0; i < e.length; i++) {
      Object entry = e[i];
      if (h != null && (entry == null || h[i] != hash)) {
        continue; // a copy of the slots: a hole, or another hash
      }
      Object key = HandlerStack.key(castToNonNull(entry));
      boolean equal = key == target;
      if (!equal) {
        Boolean earlier = k == null ? null : k.get(key);
        equal = earlier != null ? earlier : (key.equals(target) || target.equals(key));
      }
      if (equal) {
        matched(slot(i), entry);
      }
    }
  }

  private int slot(int i) {
    int[] s = slots;
    return s != null ? s[i] : base + i;
  }

  private void matched(int slot, @Nullable Object entry) {
    if (matches == matchedSlots.length) {
      matchedSlots = Arrays.copyOf(matchedSlots, matches * 2);
      matchedEntries = Arrays.copyOf(matchedEntries, matches * 2);
    }
    matchedSlots[matches] = slot;
    matchedEntries[matches++] = entry;
  }

  int matches() {
    return matches;
  }

  /** The slot of the {@code m}th candidate found equal. */
  int matchedSlot(int m) {
    return matchedSlots[m];
  }

  /** The entry of the {@code m}th candidate found equal, as it was in its slot. */
  @Nullable Object matchedEntry(int m) {
    return matchedEntries[m];
  }

  /** Every compared key's result, so that the next pass compares only new ones. */
  IdentityHashMap<Object, Boolean> results() {
    IdentityHashMap<Object, Boolean> r = known != null ? known : new IdentityHashMap<>();
    for (int i = 0; i < entries.length; i++) {
      Object entry = entries[i];
      if (entry != null && (hashes == null || hashes[i] == hash)) {
        r.put(HandlerStack.key(entry), Boolean.FALSE);
      }
    }
    for (int m = 0; m < matches; m++) {
      r.put(HandlerStack.key(castToNonNull(matchedEntries[m])), Boolean.TRUE);
    }
    return r;
  }
}
