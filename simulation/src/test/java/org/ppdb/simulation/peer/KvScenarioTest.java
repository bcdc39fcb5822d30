package org.ppdb.simulation.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Disabled;
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
   * Seeds with faults that pass with the data path as it stands: 5 to 9 peers, loss, partitions,
   * crashes with restarts, pauses, clock skew up to 5 s, and in seeds 4, 5, 11, 27, 44 and 46 a
   * peer joining under the load. Most other seeds fail today; see {@link #seedsThatFailToday}. The
   * lists hold for the data path of the end of issue 8's session: any change to the peer's code
   * changes the runs, so after one, run the swarm ({@link KvSwarmTest}) and revise both.
   */
  @ParameterizedTest(name = "faults, seed {0}")
  @ValueSource(longs = {4, 5, 11, 22, 24, 27, 28, 44, 46, 57})
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

  /**
   * Seeds that find three defects of the data path (30 s fault phase; {@code bin/ppdb simulate
   * --scenario kv --seed S --duration 30s} prints each failing key's history, the disks that hold a
   * lost key, and the faults applied). See the simulation README, findings 4 to 6.
   *
   * <ol>
   *   <li><b>Lost acknowledged writes after a restart</b> (seeds 1, 9, 15, 16, 19, 26, 58): a
   *       restarted peer is NORMAL at once but its ring holds only the members gossip has told it
   *       of so far, and W and R come from the replicas that ring yields ({@code
   *       consistency.required(natural.size())}): with a ring of itself alone it acknowledges a
   *       QUORUM write after its own disk (seed 1: 27 us after the request).
   *   <li><b>Lost acknowledged writes through a self-founded ring</b> (seeds 3, 41): a joining peer
   *       that hears of no serving member within the 3 s settle (a partition) founds a ring of its
   *       own.
   *   <li><b>Register regressions</b> (seeds 1, 3, 6, 9, 10, 14, 15, 16, 17, 21, 31, 32, 37, 38,
   *       39, 45, 47, 48): last-writer-wins with each coordinator's hybrid clock; a coordinator
   *       whose clock is behind gives the newer write of a single writer a lower version (seconds
   *       of skew, or the milliseconds of drift: seed 6 has no skew).
   * </ol>
   */
  @Disabled(
      "finds defects of the data path: lost writes after restarts and self-founded rings,"
          + " LWW under clock skew (simulation README, findings 4-6)")
  @ParameterizedTest(name = "faults, seed {0}")
  @ValueSource(
      longs = {1, 3, 6, 9, 10, 14, 15, 16, 17, 19, 21, 26, 31, 32, 37, 38, 39, 41, 45, 47, 48, 58})
  void seedsThatFailToday(long seed) {
    Report report = run(true, seed, null, 30 * S);
    assertThat(report.violations()).as(replay(report)).isEmpty();
  }
}
