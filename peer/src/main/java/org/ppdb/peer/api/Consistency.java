package org.ppdb.peer.api;

import java.util.Locale;

/**
 * How many of a key's N replicas must answer before a request completes (DESIGN.md, "Data model and
 * consistency"): a read returns after R replicas answered, a write after W replicas made it
 * durable.
 *
 * <p>Stable names: clients send them ({@code PPDB.CONSISTENCY QUORUM}); do not rename.
 */
public enum Consistency {
  /** One replica: lowest latency, may read stale data or lose a write with its only replica. */
  ONE,
  /** A majority, {@code N / 2 + 1}: reads at QUORUM see every write acknowledged at QUORUM. */
  QUORUM,
  /** Every replica: a single unreachable replica fails the request. */
  ALL;

  /** The default of reads and writes [QUORUM]. */
  public static final Consistency DEFAULT = QUORUM;

  /**
   * How many of {@code replicas} replicas must answer at this level.
   *
   * @throws IllegalArgumentException if {@code replicas < 1}
   */
  public int required(int replicas) {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 1)");
    }
    return switch (this) {
      case ONE -> 1;
      case QUORUM -> replicas / 2 + 1;
      case ALL -> replicas;
    };
  }

  /**
   * Parses a level case-insensitively ({@code "quorum"}), or returns {@code null} for anything
   * else; callers turn that into their own error reply.
   */
  public static Consistency parse(String name) {
    return switch (name.toUpperCase(Locale.ROOT)) {
      case "ONE" -> ONE;
      case "QUORUM" -> QUORUM;
      case "ALL" -> ALL;
      default -> null;
    };
  }
}
