package org.ppdb.simulation.scenario;

import java.util.function.BooleanSupplier;
import org.ppdb.simulation.Simulator;

/**
 * The two phases of a scenario, as helpers over a {@link Simulator}: run for a while (the fault
 * phase, or any stretch of a workload), and run until the checkers' convergence condition holds or
 * a budget runs out (the heal phase). Both advance virtual time in steps so that progress can be
 * shown.
 */
public final class Phases {

  /** How often progress is reported, in simulated time. */
  public static final long PROGRESS_STEP_NANOS = 1_000_000_000L;

  private Phases() {}

  /** Runs {@code sim} until virtual time {@code untilNanos}, reporting progress every second. */
  public static void runUntil(
      Simulator<?> sim, long untilNanos, long totalNanos, Progress progress, String status) {
    while (sim.nowNanos() < untilNanos) {
      sim.runUntil(Math.min(untilNanos, sim.nowNanos() + PROGRESS_STEP_NANOS));
      progress.update(sim.nowNanos() / 1e9, totalNanos / 1e9, status);
    }
  }

  /**
   * Runs {@code sim} until {@code converged} holds, testing it every {@code pollNanos} of virtual
   * time, for at most {@code budgetNanos}. Returns the virtual time it took, or -1 when the budget
   * ran out first.
   */
  public static long awaitConvergence(
      Simulator<?> sim,
      long budgetNanos,
      long pollNanos,
      BooleanSupplier converged,
      long totalNanos,
      Progress progress,
      String status) {
    long start = sim.nowNanos();
    long deadline = start + budgetNanos;
    long nextProgress = start + PROGRESS_STEP_NANOS;
    while (true) {
      if (converged.getAsBoolean()) {
        return sim.nowNanos() - start;
      }
      if (sim.nowNanos() >= deadline) {
        return -1;
      }
      sim.runUntil(Math.min(deadline, sim.nowNanos() + pollNanos));
      if (sim.nowNanos() >= nextProgress) {
        progress.update(sim.nowNanos() / 1e9, totalNanos / 1e9, status);
        nextProgress += PROGRESS_STEP_NANOS;
      }
    }
  }
}
