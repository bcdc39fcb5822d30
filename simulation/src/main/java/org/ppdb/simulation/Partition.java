package org.ppdb.simulation;

import java.util.BitSet;

/**
 * Which messages the simulated network refuses to carry: a rule on (sender, receiver) node indexes.
 * The shapes are those of Jepsen's nemeses: isolate one node, split in two, a ring of overlapping
 * majorities, a bridge between two halves, and a one-way cut.
 *
 * <p>Nodes are the simulator's indexes ({@code 0..n-1}); a node outside the sets a partition names
 * (for example one that joined after it was installed) is on side A. Immutable and thread-safe;
 * {@link #blocks} costs a few bit tests.
 */
public sealed interface Partition {

  /** True when a message from {@code from} to {@code to} is dropped by this partition. */
  boolean blocks(int from, int to);

  /** A short human description for reports and fault logs. */
  String describe();

  /** A stable code, fed into the trace hash when the partition is installed. */
  long digest();

  /** No partition: every link carries. */
  static Partition none() {
    return None.INSTANCE;
  }

  /** One node cut off from all others in both directions. */
  static Partition isolate(int node) {
    return new Isolate(node);
  }

  /** Side A (the set bits) against everyone else, both directions. */
  static Partition split(BitSet sideA) {
    return new Split((BitSet) sideA.clone());
  }

  /**
   * Nodes {@code 0..n-1} on a ring, each reaching only a majority of the others: those within ring
   * distance {@code ceil(floor(n/2)/2)}. Every node sees a majority, yet no two majorities are the
   * same, which is the case that confuses quorum logic.
   */
  static Partition majoritiesRing(int n) {
    if (n < 3) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 3)");
    }
    return new MajoritiesRing(n);
  }

  /** Side A and side B cut apart, except that {@code bridge} (on neither side) talks to both. */
  static Partition bridge(BitSet sideA, int bridge) {
    BitSet a = (BitSet) sideA.clone();
    a.clear(bridge);
    return new Bridge(a, bridge);
  }

  /** Messages from any node in {@code senders} to any node in {@code receivers} are dropped. */
  static Partition oneWay(BitSet senders, BitSet receivers) {
    return new OneWay((BitSet) senders.clone(), (BitSet) receivers.clone());
  }

  /** See {@link #none()}. */
  enum None implements Partition {
    INSTANCE;

    @Override
    public boolean blocks(int from, int to) {
      return false;
    }

    @Override
    public String describe() {
      return "none";
    }

    @Override
    public long digest() {
      return 0;
    }
  }

  /** See {@link #isolate(int)}. */
  record Isolate(int node) implements Partition {
    @Override
    public boolean blocks(int from, int to) {
      return (from == node) != (to == node);
    }

    @Override
    public String describe() {
      return "isolate node " + node;
    }

    @Override
    public long digest() {
      return TraceHash.mix(1L << 56 | node);
    }
  }

  /** See {@link #split(BitSet)}. */
  record Split(BitSet sideA) implements Partition {
    @Override
    public boolean blocks(int from, int to) {
      return sideA.get(from) != sideA.get(to);
    }

    @Override
    public String describe() {
      return "split " + sideA.cardinality() + " nodes from the rest";
    }

    @Override
    public long digest() {
      return TraceHash.mix(2L << 56 ^ bitsDigest(sideA));
    }
  }

  /** See {@link #majoritiesRing(int)}. */
  record MajoritiesRing(int n) implements Partition {
    @Override
    public boolean blocks(int from, int to) {
      if (from >= n || to >= n) {
        return false;
      }
      int d = Math.abs(from - to);
      d = Math.min(d, n - d);
      int reach = ((n / 2) + 1) / 2;
      return d > reach;
    }

    @Override
    public String describe() {
      return "majorities ring over " + n + " nodes";
    }

    @Override
    public long digest() {
      return TraceHash.mix(3L << 56 | n);
    }
  }

  /** See {@link #bridge(BitSet, int)}. */
  record Bridge(BitSet sideA, int bridge) implements Partition {
    @Override
    public boolean blocks(int from, int to) {
      if (from == bridge || to == bridge) {
        return false;
      }
      return sideA.get(from) != sideA.get(to);
    }

    @Override
    public String describe() {
      return "bridge node " + bridge + " between " + sideA.cardinality() + " nodes and the rest";
    }

    @Override
    public long digest() {
      return TraceHash.mix(4L << 56 ^ bitsDigest(sideA) ^ bridge);
    }
  }

  /** See {@link #oneWay(BitSet, BitSet)}. */
  record OneWay(BitSet senders, BitSet receivers) implements Partition {
    @Override
    public boolean blocks(int from, int to) {
      return senders.get(from) && receivers.get(to);
    }

    @Override
    public String describe() {
      return "one-way: "
          + senders.cardinality()
          + " nodes cannot reach "
          + receivers.cardinality()
          + " nodes";
    }

    @Override
    public long digest() {
      return TraceHash.mix(5L << 56 ^ bitsDigest(senders) * 31 ^ bitsDigest(receivers));
    }
  }

  private static long bitsDigest(BitSet bits) {
    long h = 0;
    for (long word : bits.toLongArray()) {
      h = TraceHash.mix(h ^ word);
    }
    return h;
  }
}
