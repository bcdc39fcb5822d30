package org.ppdb.simulation.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScenarioOptionsTest {

  @Test
  void parsesDurationsWithUnits() {
    assertThat(ScenarioOptions.parseDuration("500ms")).isEqualTo(500_000_000L);
    assertThat(ScenarioOptions.parseDuration("90s")).isEqualTo(90_000_000_000L);
    assertThat(ScenarioOptions.parseDuration("10m")).isEqualTo(600_000_000_000L);
    assertThat(ScenarioOptions.parseDuration("1h")).isEqualTo(3_600_000_000_000L);
    assertThat(ScenarioOptions.parseDuration("2.5")).isEqualTo(2_500_000_000L);
    assertThatThrownBy(() -> ScenarioOptions.parseDuration("soon"))
        .hasMessage("duration: soon (expected: a number with ms, s, m or h)");
  }

  @Test
  void replayCommandCarriesOnlyTheChosenOptions() {
    ScenarioOptions o =
        ScenarioOptions.of("crash", 7)
            .withPeers(100)
            .withDuration(600_000_000_000L)
            .withLoss(0.05)
            .withPreset("memberlist");
    assertThat(o.replayCommand())
        .isEqualTo(
            "bin/ppdb simulate --scenario crash --seed 7 --peers 100 --duration 10m --loss 0.05"
                + " --preset memberlist");
    assertThat(
            ScenarioOptions.of("dht-lookup", 2)
                .withFailed(0.2)
                .withLookups(100)
                .withJoinRefreshes(0)
                .replayCommand())
        .isEqualTo(
            "bin/ppdb simulate --scenario dht-lookup --seed 2 --failed 0.2 --lookups 100"
                + " --join-refreshes 0");
    assertThat(ScenarioOptions.of("swarm", 3).replayCommand())
        .isEqualTo("bin/ppdb simulate --scenario swarm --seed 3");
  }

  @Test
  void rejectsOutOfRangeOptions() {
    assertThatThrownBy(() -> ScenarioOptions.of("crash", 1).withPeers(1))
        .hasMessage("peers: 1 (expected: >= 2)");
    assertThatThrownBy(() -> ScenarioOptions.of("crash", 1).withLoss(1.5))
        .hasMessage("loss: 1.5 (expected: in [0, 1))");
    assertThatThrownBy(() -> ScenarioOptions.of("crash", 1).withPreset("etcd"))
        .hasMessage("preset: etcd (expected: ppdb or memberlist)");
  }
}
