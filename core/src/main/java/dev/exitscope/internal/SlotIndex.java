// SPDX-License-Identifier: Apache-2.0
// Copyright The exitscope authors

package dev.exitscope.internal;

import java.util.Arrays;

/**
 * The hash index of a {@link HandlerStack}'s slots: for a hash code, the slots whose key has it, so
 * that a removal by equality compares O(1 + matches) handlers instead of scanning. Chains of slot
 * numbers in parallel {@code int} arrays, sized as the stack's slots: no object per entry.
 *
 * <p>A bucket holds its first slot + 1 (0: empty). A slot's link is 0 if the slot is not indexed, 1
 * if it is the last of its chain, else the next slot + 2; its back link is the previous slot + 1
 * (0: the first of its chain), so that taking a slot out costs O(1) even when every handler has one
 * hash code. A slot's hash is its key's {@code hashCode}, computed outside the stack's lock.
 *
 * <p>Not thread-safe: the stack's lock guards it. Loaded only by the first removal by equality.
 */
final class SlotIndex {
  private static final int MIN_BUCKETS = 16;

  private int[] buckets;
  private int[] links;
  private int[] backs;
  private int[] hashes;

  /** How many slots are indexed. */
  private int count;

  /** An empty index for {@code capacity} slots, with buckets for {@code entries} entries. */
  SlotIndex(int capacity, int entries) {
    int b = MIN_BUCKETS;
    while (entries > b - (b >>> 2)) {
      b <<= 1;
    }
    buckets = new int[b];
    links = new int[capacity];
    backs = new int[capacity];
    hashes = new int[capacity];
  }

  int count() {
    return count;
  }

  boolean has(int p) {
    return links[p] != 0;
  }

  int hash(int p) {
    return hashes[p];
  }

  /** Every slot's hash, meaningful for the indexed slots only; not a copy. */
  int[] hashes() {
    return hashes;
  }

  /** The first slot of {@code hash}'s chain, or -1; slots of other hashes may share the chain. */
  int first(int hash) {
    return buckets[bucket(hash, buckets.length)] - 1;
  }

  /** The slot after {@code p} in its chain, or -1. */
  int next(int p) {
    return links[p] - 2;
  }

  /** Indexes slot {@code p} under {@code hash}, growing the buckets if needed. */
  void add(int p, int hash) {
    hashes[p] = hash;
    link(p);
    if (++count > buckets.length - (buckets.length >>> 2)) {
      buckets = new int[buckets.length << 1];
      relink(links.length);
    }
  }

  /** Takes slot {@code p}, which is indexed, out of its chain: O(1). */
  void remove(int p) {
    int[] l = links;
    int[] back = backs;
    int next = l[p] - 2; // -1: none
    int previous = back[p] - 1; // -1: p is the first
    if (previous < 0) {
      buckets[bucket(hashes[p], buckets.length)] = next + 1;
    } else {
      l[previous] = next + 2;
    }
    if (next >= 0) {
      back[next] = previous + 1;
    }
    l[p] = 0;
    back[p] = 0;
    count--;
  }

  /** Room for {@code capacity} slots, as the stack's slots grew. */
  void grow(int capacity) {
    links = Arrays.copyOf(links, capacity);
    backs = Arrays.copyOf(backs, capacity);
    hashes = Arrays.copyOf(hashes, capacity);
  }

  /**
   * The stack moved the entry of slot {@code from} down to slot {@code to} (compaction, in slot
   * order): it keeps its hash and whether it is indexed; {@link #relinked} makes the chains anew.
   */
  void moved(int from, int to) {
    links[to] = links[from] == 0 ? 0 : 1;
    hashes[to] = hashes[from];
  }

  /** After a compaction that left {@code top} slots: unindexes those above, relinks the rest. */
  void relinked(int top) {
    Arrays.fill(links, top, links.length, 0);
    Arrays.fill(buckets, 0);
    relink(top);
  }

  /** Links every indexed slot below {@code top} into the (empty) buckets. */
  private void relink(int top) {
    int[] l = links;
    for (int p = 0; p < top; p++) {
      if (l[p] != 0) {
        link(p);
      }
    }
  }

  /** Makes slot {@code p}, whose hash is set, the first of its chain. */
  private void link(int p) {
    int i = bucket(hashes[p], buckets.length);
    int first = buckets[i] - 1;
    links[p] = first + 2; // 1, the last, if there is no first
    backs[p] = 0;
    if (first >= 0) {
      backs[first] = p + 1;
    }
    buckets[i] = p + 1;
  }

  private static int bucket(int hash, int length) {
    return (hash ^ (hash >>> 16)) & (length - 1);
  }
}
