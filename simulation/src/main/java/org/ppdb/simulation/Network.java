package org.ppdb.simulation;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated network: decides for each message whether it arrives, how many times, and after how
 * long, from the {@link NetworkConfig}, the installed {@link Partition} and the clogged links. All
 * its randomness comes from one stream forked from the master seed, drawn in send order, so the
 * fate of every message is a function of the seed.
 *
 * <p>Clogging (FoundationDB's term) delays a link rather than cutting it: a message sent on a
 * clogged link leaves when the clog ends, as TCP would hold it in a retransmission queue.
 *
 * <p>Not thread-safe; owned by the simulator thread. Clogs are kept in a map looked up per message
 * and never iterated, so its order cannot leak into the run.
 */
public final class Network {

  /** The most links that may be clogged at once. */
  public static final int CLOGGED_LINKS_MAX = 1 << 20;

  private final SplittableRandom random;
  private NetworkConfig config;
  private Partition partition = Partition.none();
  private final Map<Long, Long> cloggedUntilNanos = new HashMap<>();
  private final long linkSalt;

  Network(NetworkConfig config, SplittableRandom random) {
    this.config = config;
    this.random = random;
    this.linkSalt = random.nextLong();
  }

  public NetworkConfig config() {
    return config;
  }

  public void setConfig(NetworkConfig config) {
    this.config = config;
  }

  public Partition partition() {
    return partition;
  }

  public void setPartition(Partition partition) {
    this.partition = partition;
  }

  /** Delays every message from {@code from} to {@code to} until {@code untilNanos}. */
  public void clog(int from, int to, long untilNanos) {
    Long key = linkKey(from, to);
    if (!cloggedUntilNanos.containsKey(key) && cloggedUntilNanos.size() >= CLOGGED_LINKS_MAX) {
      throw new IllegalStateException(
          "clogged links: "
              + cloggedUntilNanos.size()
              + " (expected: < "
              + CLOGGED_LINKS_MAX
              + ")");
    }
    cloggedUntilNanos.merge(key, untilNanos, Math::max);
  }

  /** Removes every clog. */
  public void unclogAll() {
    cloggedUntilNanos.clear();
  }

  /** True when the installed partition drops messages from {@code from} to {@code to}. */
  public boolean blocked(int from, int to) {
    return partition.blocks(from, to);
  }

  /** Draws whether one message is lost to random loss. */
  boolean drawLoss() {
    double p = config.lossProbability();
    return p > 0 && random.nextDouble() < p;
  }

  /** Draws whether one message is duplicated. */
  boolean drawDuplicate() {
    double p = config.duplicateProbability();
    return p > 0 && random.nextDouble() < p;
  }

  /** Draws the arrival time of one copy of a message sent now. */
  long drawArrival(int from, int to, long nowNanos) {
    long departure = nowNanos;
    if (!cloggedUntilNanos.isEmpty()) {
      Long until = cloggedUntilNanos.get(linkKey(from, to));
      if (until != null) {
        if (until > nowNanos) {
          departure = until;
        } else {
          cloggedUntilNanos.remove(linkKey(from, to));
        }
      }
    }
    long latency = config.latencyMinNanos();
    if (config.linkSpreadNanos() > 0) {
      long h = TraceHash.mix(linkSalt ^ ((long) Math.min(from, to) << 32 | Math.max(from, to)));
      latency += Math.floorMod(h, config.linkSpreadNanos());
    }
    if (config.jitterMeanNanos() > 0) {
      // Inverse-CDF exponential; 1 - u is in (0, 1] so the log is finite.
      latency += (long) (-Math.log(1.0 - random.nextDouble()) * config.jitterMeanNanos());
    }
    if (config.reorderProbability() > 0
        && config.reorderDelayMaxNanos() > 0
        && random.nextDouble() < config.reorderProbability()) {
      latency += random.nextLong(config.reorderDelayMaxNanos() + 1);
    }
    return departure + Math.max(1, latency);
  }

  private static Long linkKey(int from, int to) {
    return (long) from << 32 | (to & 0xffffffffL);
  }
}
