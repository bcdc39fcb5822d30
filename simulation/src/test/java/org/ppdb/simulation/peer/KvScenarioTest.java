package org.ppdb.simulation.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.scenario.Progress;
import org.ppdb.simulation.scenario.ScenarioOptions;
import org.ppdb.simulation.scenario.Scenarios;

/**
 * The CI seed set of the {@code kv} scenario: full peers with their data path, the unique-key and
 * register workloads, faults, the checkers. Each test names the command that replays a failure.
 */
@Tag("sim")
class KvScenarioTest {

  private static final long S = 1_000_000_000L;

  static Report run(boolean faults, long seed, Integer peers, long durationNanos) {
    return new KvScenario(faults)
        .run(
            ScenarioOptions.of("kv", seed).withPeers(peers).withDuration(durationNanos),
            Progress.NONE);
  }

  private static String replay(Report report) {
    return "replay: " + report.replayCommand() + "\n" + report.toText();
  }

  @ParameterizedTest(name = "calm, seed {0}")
  @ValueSource(longs = {1, 2})
  void withoutFaultsEveryCheckPassesEvenStaleReads(long seed) {
    Report report = run(false, seed, seed == 1 ? 5 : 9, 20 * S);
    assertThat(report.violations()).as(replay(report)).isEmpty();
    assertThat(report.figure("register: stale reads")).as(replay(report)).isZero();
    assertThat(report.figure("unique-key: stale reads")).as(replay(report)).isZero();
    assertThat(report.figure("unique-key: ok writes")).as(replay(report)).isGreaterThan(1000);
    assertThat(report.figure("register: ok writes")).as(replay(report)).isGreaterThan(2000);
    assertThat(report.figure("keys whose replicas differ")).as(replay(report)).isZero();
  }

  /**
   * The CI set of seeds with faults: 5 to 9 peers, loss, partitions, crashes with restarts, pauses,
   * clock skew up to 5 s, and in seeds 4, 5, 11, 44 and 46 a peer joining under the load. Seeds 1,
   * 3, 6, 9, 15, 41 and 58 found the three data-path defects fixed since (a restarted peer
   * acknowledging alone from a partial ring, last-writer-wins under clock skew, a seeded joiner
   * founding its own ring; simulation README, findings 4 to 6): they stay here as regressions. The
   * long campaign is {@link KvSwarmTest}.
   */
  @ParameterizedTest(name = "faults, seed {0}")
  @ValueSource(longs = {1, 3, 4, 5, 6, 9, 11, 15, 41, 44, 46, 58})
  void withFaultsNoAcknowledgedWriteIsLostAndNoRegisterRegresses(long seed) {
    Report report = run(true, seed, null, 30 * S);
    assertThat(report.violations()).as(replay(report)).isEmpty();
    assertThat(report.figure("unique-key: lost acknowledged writes")).isZero();
    assertThat(report.figure("register: register regressions")).isZero();
    assertThat(report.figure("keys whose replicas differ")).isZero();
    assertThat(report.figure("unique-key: final reads"))
        .as(replay(report))
        .isEqualTo(report.figure("unique-key: keys"));
  }

  @Test
  void theSameSeedGivesTheSameTraceHashAndFigures() {
    Report first = run(true, 9, 7, 15 * S);
    Report second = run(true, 9, 7, 15 * S);
    assertThat(second.traceHash()).as(replay(first)).isEqualTo(first.traceHash());
    assertThat(second.figures()).isEqualTo(first.figures());
    assertThat(second.violations()).isEqualTo(first.violations());
    assertThat(run(true, 10, 7, 15 * S).traceHash()).isNotEqualTo(first.traceHash());
  }

  @Test
  void theScenarioIsListedForTheCommandLine() {
    assertThat(Scenarios.byName("kv")).isPresent();
  }
}
