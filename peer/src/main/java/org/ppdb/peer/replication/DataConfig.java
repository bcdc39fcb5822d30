package org.ppdb.peer.replication;

import java.util.concurrent.TimeUnit;

/**
 * Settings of a peer's data path (defaults in brackets): replication, ring, time limits and the
 * bounds that turn overload into backpressure instead of queues.
 *
 * @param replicationFactor N, replicas per key [3]
 * @param tokensPerMember virtual nodes per peer [32]; chosen by measurement, see the README's ring
 *     table: balance (max / mean keys per peer) improves as 1/sqrt(T) while metadata grows 8 bytes
 *     per token
 * @param clientPort the Redis-protocol port published in the ring metadata (0: none)
 * @param requestTimeoutNanos how long a coordinator waits for replicas [2 s]; then a write is
 *     reported indeterminate
 * @param coordinatorInFlightMax requests this peer coordinates at once [16,384]; beyond, requests
 *     are refused as overloaded
 * @param peerInFlightMax messages awaiting an answer from one other peer [4,096]; beyond, that peer
 *     counts as not answering (backpressure on a slow replica)
 * @param replicaInFlightMax replica operations (from other coordinators) running in the local store
 *     at once [8,192]; beyond, they are refused
 * @param streamBatchBytes bytes per batch when streaming ranges to a joining peer [1 MiB]
 * @param streamTimeoutNanos how long a joining peer waits for one stream batch [30 s]
 * @param bootstrapSettleNanos how long a new peer listens to gossip before deciding whether it
 *     founds the ring or streams its ranges from current members [3 s]
 * @param ringChangeGraceNanos after the set of serving members changes, writes also go to the
 *     replicas of the previous ring for this long, so coordinators that learn of the change later
 *     still read what was written [15 s]
 * @param skewWarningMillis a version from a peer whose clock is ahead of ours by more than this
 *     counts as a clock-skew warning [1,000 ms]
 */
public record DataConfig(
    int replicationFactor,
    int tokensPerMember,
    int clientPort,
    long requestTimeoutNanos,
    int coordinatorInFlightMax,
    int peerInFlightMax,
    int replicaInFlightMax,
    int streamBatchBytes,
    long streamTimeoutNanos,
    long bootstrapSettleNanos,
    long ringChangeGraceNanos,
    long skewWarningMillis) {

  public static final int REPLICATION_FACTOR_DEFAULT = 3;
  public static final int TOKENS_PER_MEMBER_DEFAULT = 32;

  public DataConfig {
    range("replicationFactor", replicationFactor, 1, 15);
    range("tokensPerMember", tokensPerMember, 1, org.ppdb.peer.ring.RingMetadata.TOKENS_MAX);
    range("clientPort", clientPort, 0, 65_535);
    positive("requestTimeoutNanos", requestTimeoutNanos);
    range("coordinatorInFlightMax", coordinatorInFlightMax, 1, 1 << 20);
    range("peerInFlightMax", peerInFlightMax, 1, 1 << 20);
    range("replicaInFlightMax", replicaInFlightMax, 1, 1 << 20);
    range("streamBatchBytes", streamBatchBytes, 1024, 64 << 20);
    positive("streamTimeoutNanos", streamTimeoutNanos);
    if (bootstrapSettleNanos < 0) {
      throw new IllegalArgumentException(
          "bootstrapSettleNanos: " + bootstrapSettleNanos + " (expected: >= 0)");
    }
    if (ringChangeGraceNanos < 0) {
      throw new IllegalArgumentException(
          "ringChangeGraceNanos: " + ringChangeGraceNanos + " (expected: >= 0)");
    }
    positive("skewWarningMillis", skewWarningMillis);
  }

  /** The defaults, with the given replication factor, tokens and client port. */
  public static DataConfig defaults(int replicationFactor, int tokensPerMember, int clientPort) {
    return new DataConfig(
        replicationFactor,
        tokensPerMember,
        clientPort,
        TimeUnit.SECONDS.toNanos(2),
        16_384,
        4_096,
        8_192,
        1 << 20,
        TimeUnit.SECONDS.toNanos(30),
        TimeUnit.SECONDS.toNanos(3),
        TimeUnit.SECONDS.toNanos(15),
        1_000);
  }

  /** The defaults: N = 3, 32 tokens, no client port. */
  public static DataConfig defaults() {
    return defaults(REPLICATION_FACTOR_DEFAULT, TOKENS_PER_MEMBER_DEFAULT, 0);
  }

  private static void range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
