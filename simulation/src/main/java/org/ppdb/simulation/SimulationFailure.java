package org.ppdb.simulation;

/**
 * A simulated run stopped because a node's code threw (a broken invariant) or a checker found a
 * violation. Carries the seed and the virtual time so the run can be replayed to that point.
 */
public final class SimulationFailure extends RuntimeException {

  private final long seed;
  private final long atNanos;

  public SimulationFailure(long seed, long atNanos, String message, Throwable cause) {
    super(message, cause);
    this.seed = seed;
    this.atNanos = atNanos;
  }

  /** The master seed of the failed run. */
  public long seed() {
    return seed;
  }

  /** The virtual time of the failure, in nanoseconds. */
  public long atNanos() {
    return atNanos;
  }
}
