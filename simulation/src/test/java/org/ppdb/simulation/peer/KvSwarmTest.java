package org.ppdb.simulation.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.scenario.Progress;
import org.ppdb.simulation.scenario.ScenarioOptions;

/**
 * The long swarm of the {@code kv} scenario (tag {@code slow}: {@code -Pslow}): many seeds with
 * faults, each drawing its own cluster size, loss, skew and fault schedule. It runs every seed,
 * prints one line per seed and a summary (seeds run, simulated time), and fails listing every
 * failing seed with the command that replays it.
 *
 * <pre>
 * mvn -B -pl simulation verify -Pslow -Dtest=KvSwarmTest -Dppdb.kv.seeds=1..200 -Dppdb.kv.duration=60
 * </pre>
 *
 * {@code ppdb.kv.seeds} is a range {@code FROM..TO} (default 1..200), {@code ppdb.kv.duration} the
 * fault phase in seconds (default 60).
 */
@Tag("slow")
class KvSwarmTest {

  @Test
  void everySeedOfTheSwarmPasses() {
    String[] range = System.getProperty("ppdb.kv.seeds", "1..200").split("\\.\\.");
    long from = Long.parseLong(range[0].trim());
    long to = range.length > 1 ? Long.parseLong(range[1].trim()) : from;
    long durationNanos = Long.getLong("ppdb.kv.duration", 60) * 1_000_000_000L;
    List<String> failures = new ArrayList<>();
    double simulated = 0;
    long operations = 0;
    for (long seed = from; seed <= to; seed++) {
      ScenarioOptions options = ScenarioOptions.of("kv", seed).withDuration(durationNanos);
      Report report = new KvScenario().run(options, Progress.NONE);
      simulated += report.simulatedSeconds();
      operations +=
          (long) (report.figure("unique-key: operations") + report.figure("register: operations"));
      String line =
          String.format(
              Locale.ROOT,
              "kv seed %d: %s, %s peers, joining %s, skew %s ms, loss %s, lost %.0f, regressions %.0f,"
                  + " replicas differ %.0f, stale reads %.0f, %.1f simulated s",
              seed,
              report.passed() ? "PASS" : "FAIL",
              report.configuration().get("peers"),
              report.configuration().get("peer joining during the faults"),
              report.configuration().get("clock skew max ms"),
              report.configuration().get("loss"),
              report.figure("unique-key: lost acknowledged writes"),
              report.figure("register: register regressions"),
              report.figure("keys whose replicas differ"),
              report.figure("register: stale reads"),
              report.simulatedSeconds());
      System.out.println(line);
      if (!report.passed()) {
        failures.add(
            line
                + "\n  replay: "
                + options.replayCommand()
                + "\n  first violation: "
                + report.violations().get(0));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "kv swarm: %d seeds, %d failed, %.0f simulated s, %d operations%n",
        to - from + 1,
        failures.size(),
        simulated,
        operations);
    assertThat(failures).as(String.join("\n", failures)).isEmpty();
  }
}
