package org.ppdb.simulation;

/**
 * How the simulated network treats each message, before partitions and clogs.
 *
 * <p>One-way latency of a message on link (a, b) = {@code latencyMinNanos} + a fixed per-link extra
 * in {@code [0, linkSpreadNanos)} (derived from the link, so some pairs are consistently farther
 * apart) + an exponentially distributed jitter of mean {@code jitterMeanNanos}. Jitter alone
 * reorders messages on a link; {@code reorderProbability} additionally holds a message back by up
 * to {@code reorderDelayMaxNanos}, modelling a retransmission or a different path.
 *
 * @param latencyMinNanos floor of every one-way latency; default 100 us (a LAN); >= 0
 * @param linkSpreadNanos spread of the fixed per-link extra latency; default 400 us; >= 0
 * @param jitterMeanNanos mean of the exponential jitter; default 200 us; >= 0
 * @param lossProbability chance that a message is dropped; [0, 1)
 * @param duplicateProbability chance that a message is delivered twice; [0, 1)
 * @param reorderProbability chance that a message is held back; [0, 1)
 * @param reorderDelayMaxNanos the most a held-back message waits; >= 0
 */
public record NetworkConfig(
    long latencyMinNanos,
    long linkSpreadNanos,
    long jitterMeanNanos,
    double lossProbability,
    double duplicateProbability,
    double reorderProbability,
    long reorderDelayMaxNanos) {

  /** A LAN: 100 us floor, up to 400 us per link, 200 us mean jitter, no loss. */
  public static final NetworkConfig LAN = new NetworkConfig(100_000, 400_000, 200_000, 0, 0, 0, 0);

  public NetworkConfig {
    requireNonNegative("latencyMinNanos", latencyMinNanos);
    requireNonNegative("linkSpreadNanos", linkSpreadNanos);
    requireNonNegative("jitterMeanNanos", jitterMeanNanos);
    requireNonNegative("reorderDelayMaxNanos", reorderDelayMaxNanos);
    requireProbability("lossProbability", lossProbability);
    requireProbability("duplicateProbability", duplicateProbability);
    requireProbability("reorderProbability", reorderProbability);
  }

  /** This configuration with another loss probability. */
  public NetworkConfig withLoss(double probability) {
    return new NetworkConfig(
        latencyMinNanos,
        linkSpreadNanos,
        jitterMeanNanos,
        probability,
        duplicateProbability,
        reorderProbability,
        reorderDelayMaxNanos);
  }

  /** This configuration with duplication and reordering. */
  public NetworkConfig withDisorder(
      double duplicateProbability, double reorderProbability, long reorderDelayMaxNanos) {
    return new NetworkConfig(
        latencyMinNanos,
        linkSpreadNanos,
        jitterMeanNanos,
        lossProbability,
        duplicateProbability,
        reorderProbability,
        reorderDelayMaxNanos);
  }

  static void requireProbability(String name, double p) {
    if (!(p >= 0 && p < 1)) {
      throw new IllegalArgumentException(name + ": " + p + " (expected: in [0, 1))");
    }
  }

  private static void requireNonNegative(String name, long v) {
    if (v < 0) {
      throw new IllegalArgumentException(name + ": " + v + " (expected: >= 0)");
    }
  }
}
