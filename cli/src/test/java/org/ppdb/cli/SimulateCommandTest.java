package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("sim")
class SimulateCommandTest {

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Ppdb.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void aCrashRunPrintsFiguresAndWritesJsonAndPlot(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("run.json");
    Path svg = dir.resolve("run.svg");
    Run run =
        run(
            "simulate",
            "--scenario",
            "crash",
            "--peers",
            "12",
            "--seed",
            "5",
            "--duration",
            "20s",
            "--loss",
            "0",
            "--json",
            json.toString(),
            "--plot",
            svg.toString(),
            "--quiet");
    assertThat(run.status()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("scenario crash  seed 5")
        .contains("all know dead p99")
        .contains("bytes sent per member per second")
        .contains("result: PASS");
    JsonNode root = new ObjectMapper().readTree(Files.readString(json));
    assertThat(root.get("seed").asLong()).isEqualTo(5);
    assertThat(root.get("configuration").get("members").asInt()).isEqualTo(12);
    assertThat(root.get("traceHash").asText()).matches("[0-9a-f]{16}");
    assertThat(root.get("figures").size()).isGreaterThan(10);
    assertThat(Files.readString(svg)).startsWith("<?xml").contains("<polyline");
  }

  @Test
  void theSameSeedReplaysTheSameTrace() {
    String[] args = {
      "simulate",
      "--scenario",
      "churn",
      "--peers",
      "10",
      "--seed",
      "9",
      "--duration",
      "20s",
      "--quiet"
    };
    Run a = run(args);
    Run b = run(args);
    assertThat(trace(a.out())).isEqualTo(trace(b.out())).isNotEmpty();
  }

  private static String trace(String out) {
    int at = out.indexOf("trace ");
    return at < 0 ? "" : out.substring(at + 6, at + 22);
  }

  @Test
  void listNamesEveryScenario() {
    Run run = run("simulate", "--list");
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("crash")
        .contains("partition-heal")
        .contains("churn")
        .contains("starved-member")
        .contains("dht-lookup")
        .contains("rendezvous")
        .contains("swarm");
  }

  @Test
  void anUnknownScenarioIsBadUsageNamingTheChoices() {
    Run run = run("simulate", "--scenario", "meteor");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown scenario: meteor").contains("partition-heal");
  }

  @Test
  void anOutOfRangeOptionIsBadUsage() {
    Run run = run("simulate", "--scenario", "crash", "--loss", "1.5");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("loss: 1.5 (expected: in [0, 1))");
  }

  @Test
  void helpDocumentsHeapAndTheLongSwarm() {
    Run run = run("simulate", "--help");
    assertThat(run.status()).isZero();
    assertThat(run.out())
        .contains("PPDB_JAVA_OPTS=-Xmx8g bin/ppdb simulate")
        .contains("bin/ppdb simulate --scenario swarm --seed $s --quiet || break");
  }
}
