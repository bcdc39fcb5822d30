package org.ppdb.simulation.scenario;

/**
 * Where a running scenario reports how far it got, so that a host can show progress on long runs
 * and measure memory at the run's peak. The scenario calls it on the simulator thread; it must not
 * influence the run (it sees only numbers and text).
 */
public interface Progress {

  /** Ignores everything; for tests. */
  Progress NONE = new Progress() {};

  /**
   * Called about once per simulated second.
   *
   * @param simulatedSeconds virtual time reached
   * @param totalSeconds virtual time the run will reach
   * @param status a short description of the current phase
   */
  default void update(double simulatedSeconds, double totalSeconds, String status) {}

  /**
   * Called once while the largest cluster of the run is alive; returns the heap in use in bytes as
   * the host measured it, or -1 when the host does not measure (the figure is then omitted).
   */
  default long measureHeapBytes() {
    return -1;
  }
}
