package org.ppdb.simulation.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.scenario.Progress;
import org.ppdb.simulation.scenario.ScenarioOptions;

/** Full peer cores under the simulator: the seam between the peer process and the simulator. */
@Tag("sim")
class PeersCrashScenarioTest {

  private static Report run(long seed, int peers, double loss) {
    return new PeersCrashScenario()
        .run(
            ScenarioOptions.of("peers-crash", seed)
                .withPeers(peers)
                .withLoss(loss)
                .withDuration(10_000_000_000L),
            Progress.NONE);
  }

  @Test
  void crashedPeersAreDetectedAndTakenBackOnAFixedSeedSet() {
    for (long seed : new long[] {1, 2, 3}) {
      Report report = run(seed, 7 + (int) seed * 2, seed == 3 ? 0.05 : 0.0);
      assertThat(report.violations())
          .as("seed %d; replay: %s", seed, report.replayCommand())
          .isEmpty();
      assertThat(report.figure("false dead declarations")).as("seed %d", seed).isZero();
      assertThat(report.figure("every live peer knows it is dead p99"))
          .as("seed %d", seed)
          .isLessThan(30);
    }
  }

  @Test
  void theSameSeedGivesTheSameTraceHash() {
    Report first = run(42, 9, 0.02);
    Report second = run(42, 9, 0.02);
    assertThat(first.traceHash()).isEqualTo(second.traceHash());
    assertThat(first.events()).isEqualTo(second.events());
    assertThat(run(43, 9, 0.02).traceHash()).isNotEqualTo(first.traceHash());
  }
}
