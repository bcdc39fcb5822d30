package org.ppdb.gossip;

/**
 * The timer of one suspicion, with Lifeguard's dynamic timeout (Dadgar et al., section IV.B;
 * memberlist's {@code suspicion.go}). It starts at the maximum timeout and shrinks toward the
 * minimum as independent confirmations arrive:
 *
 * <pre>
 *   timeout(c) = max(min, max - (max - min) * log(c + 1) / log(k + 1))
 * </pre>
 *
 * where {@code c} is the number of distinct members, other than the first reporter, that confirmed
 * the suspicion and {@code k} the number expected. With {@code k == 0} the timeout is the minimum
 * from the start. The deadline is {@code start + timeout(c)}, so a late confirmation may make it
 * due at once.
 *
 * <p>Small: one object per suspected member, with an array of at most {@code k} confirmers.
 */
final class Suspicion {
  final long incarnation;
  final long startNanos;
  private final long minNanos;
  private final long maxNanos;
  private final MemberId firstReporter;
  private final MemberId[] confirmers;
  private int confirmations;
  private long deadlineNanos;
  private boolean finalCheckSent;

  Suspicion(
      long incarnation,
      MemberId firstReporter,
      int expected,
      long minNanos,
      long maxNanos,
      long startNanos) {
    this.incarnation = incarnation;
    this.firstReporter = firstReporter;
    this.confirmers = new MemberId[Math.max(0, expected)];
    this.minNanos = minNanos;
    this.maxNanos = Math.max(minNanos, maxNanos);
    this.startNanos = startNanos;
    this.deadlineNanos = startNanos + (expected < 1 ? minNanos : this.maxNanos);
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  int confirmations() {
    return confirmations;
  }

  int expected() {
    return confirmers.length;
  }

  /**
   * True once, the first time an unconfirmed suspicion is due: the caller then probes the suspect
   * once more before declaring it dead and moves the deadline with {@link #extendTo}.
   */
  boolean takeFinalCheck() {
    if (finalCheckSent || confirmations > 0 || confirmers.length == 0) {
      return false;
    }
    finalCheckSent = true;
    return true;
  }

  void extendTo(long deadline) {
    deadlineNanos = Math.max(deadlineNanos, deadline);
  }

  /**
   * Counts {@code reporter} as a confirmation if it is new and more are expected; returns true if
   * it counted (the caller then passes the confirmation on, as memberlist does).
   */
  boolean confirm(MemberId reporter) {
    if (reporter == null || confirmations >= confirmers.length || reporter.equals(firstReporter)) {
      return false;
    }
    for (int i = 0; i < confirmations; i++) {
      if (confirmers[i].equals(reporter)) {
        return false;
      }
    }
    confirmers[confirmations++] = reporter;
    deadlineNanos = startNanos + timeoutNanos(confirmations, confirmers.length, minNanos, maxNanos);
    return true;
  }

  /** memberlist's {@code remainingSuspicionTime} plus the elapsed time: the total timeout. */
  static long timeoutNanos(int confirmations, int expected, long minNanos, long maxNanos) {
    if (expected < 1) {
      return minNanos;
    }
    double frac = Math.log(confirmations + 1.0) / Math.log(expected + 1.0);
    double raw = maxNanos - frac * (maxNanos - minNanos);
    // memberlist truncates to milliseconds.
    long timeout = (long) Math.floor(raw / 1_000_000.0) * 1_000_000L;
    return Math.max(minNanos, timeout);
  }
}
