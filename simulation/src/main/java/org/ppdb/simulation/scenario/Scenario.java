package org.ppdb.simulation.scenario;

import org.ppdb.simulation.report.Report;

/**
 * A named simulated run: it builds a cluster of real protocol cores from the seed, drives a
 * workload and a fault schedule (the fault phase), then heals and lets its checkers demand
 * convergence within a budget (the heal phase), and returns the figures and violations as a {@link
 * Report}.
 *
 * <p>Implementations are stateless; {@link #run} owns everything it builds and runs on the calling
 * thread.
 */
public interface Scenario {

  /** The name given to {@code --scenario}. */
  String name();

  /** One line saying what the scenario does and measures. */
  String summary();

  /** Runs the scenario; never throws for a protocol violation (it is in the report). */
  Report run(ScenarioOptions options, Progress progress);
}
