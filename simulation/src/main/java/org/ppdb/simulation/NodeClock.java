package org.ppdb.simulation;

/**
 * The monotonic clock one simulated node reads (its {@code System.nanoTime()}): the simulator's
 * global virtual time seen through an offset (skew), a rate error (drift, in parts per million) and
 * forward jumps (a VM resumed, a clock stepped).
 *
 * <p>{@code local = offset + global * (1 + drift * 1e-6)}, never decreasing: a monotonic clock that
 * would step back holds still instead, which is what the kernel's {@code CLOCK_MONOTONIC}
 * guarantees to the JVM. Protocol timers are deadlines in local time, and the simulator converts
 * them to global time with {@link #globalAt(long)} to schedule the node's next tick.
 *
 * <p>Not thread-safe; owned by the simulator thread.
 */
public final class NodeClock {

  /** The largest drift accepted, in ppm; real quartz is within about 100 ppm. */
  public static final double DRIFT_PPM_MAX = 100_000;

  private long offsetNanos;
  private final double rate;
  private long lastLocalNanos = Long.MIN_VALUE;

  /**
   * @param offsetNanos local minus global time at global time zero (skew); any value
   * @param driftPpm rate error in parts per million, within +-{@link #DRIFT_PPM_MAX}
   */
  public NodeClock(long offsetNanos, double driftPpm) {
    if (!(Math.abs(driftPpm) <= DRIFT_PPM_MAX)) {
      throw new IllegalArgumentException(
          "driftPpm: " + driftPpm + " (expected: within +-" + DRIFT_PPM_MAX + ")");
    }
    this.offsetNanos = offsetNanos;
    this.rate = 1.0 + driftPpm * 1e-6;
  }

  /** The node's reading at global time {@code globalNanos}. */
  public long localAt(long globalNanos) {
    long local = offsetNanos + Math.round(globalNanos * rate);
    if (local < lastLocalNanos) {
      local = lastLocalNanos;
    }
    lastLocalNanos = local;
    return local;
  }

  /** The earliest global time at which this clock reads at least {@code localNanos}. */
  public long globalAt(long localNanos) {
    if (localNanos == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    long global = (long) Math.ceil((localNanos - offsetNanos) / rate);
    // Correct rounding at the edges of double precision.
    while (offsetNanos + Math.round(global * rate) < localNanos) {
      global++;
    }
    while (offsetNanos + Math.round((global - 1) * rate) >= localNanos) {
      global--;
    }
    return global;
  }

  /** Steps the clock forward by {@code deltaNanos} (> 0); backward steps are not monotonic. */
  public void jump(long deltaNanos) {
    if (deltaNanos <= 0) {
      throw new IllegalArgumentException("deltaNanos: " + deltaNanos + " (expected: > 0)");
    }
    offsetNanos += deltaNanos;
  }

  /** The current offset (skew plus jumps so far), in nanoseconds. */
  public long offsetNanos() {
    return offsetNanos;
  }

  /** The drift, in parts per million. */
  public double driftPpm() {
    return (rate - 1.0) * 1e6;
  }
}
