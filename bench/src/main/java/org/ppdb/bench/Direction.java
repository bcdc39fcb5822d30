package org.ppdb.bench;

/**
 * Which way a metric improves, and therefore how its ratio to the anchor is oriented.
 *
 * <p>Every ratio in a benchmark report reads the same way: above 1.0 means ppdb did better than the
 * anchor, below 1.0 worse. Throughput is better when higher, so its ratio is {@code ppdb / anchor};
 * latency, amplification and memory are better when lower, so theirs is {@code anchor / ppdb}.
 */
public enum Direction {
  /** Throughput-like metrics: ratio = ppdb / anchor. */
  HIGHER_IS_BETTER,
  /** Latency, amplification and memory: ratio = anchor / ppdb. */
  LOWER_IS_BETTER;

  /**
   * The ratio of {@code ppdb} to {@code anchor} oriented so that higher is better for ppdb, or
   * {@code null} when it is undefined: a value is missing or not finite, a value is negative, or
   * the divisor is zero.
   */
  public Double ratio(Double ppdb, Double anchor) {
    if (ppdb == null || anchor == null) {
      return null;
    }
    double p = ppdb;
    double a = anchor;
    if (!Double.isFinite(p) || !Double.isFinite(a) || p < 0 || a < 0) {
      return null;
    }
    double numerator = this == HIGHER_IS_BETTER ? p : a;
    double denominator = this == HIGHER_IS_BETTER ? a : p;
    if (denominator == 0) {
      return null;
    }
    return numerator / denominator;
  }
}
