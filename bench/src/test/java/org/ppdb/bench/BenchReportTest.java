package org.ppdb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report format every benchmark shares: ratio orientation, medians, JSON fields, the table. */
class BenchReportTest {
  private static final MachineFacts machine =
      new MachineFacts(
          2,
          1L << 34,
          "Test JDK 17",
          "Linux 6 amd64",
          "2026-11-21T09:00:00Z",
          "abc1234",
          false,
          0.5);

  @Test
  void throughputRatioIsPpdbOverAnchor() {
    assertThat(Direction.HIGHER_IS_BETTER.ratio(300.0, 200.0)).isEqualTo(1.5);
  }

  @Test
  void latencyAndMemoryRatioIsAnchorOverPpdb() {
    assertThat(Direction.LOWER_IS_BETTER.ratio(2.0, 3.0)).isEqualTo(1.5);
    assertThat(Direction.LOWER_IS_BETTER.ratio(4.0, 2.0)).isEqualTo(0.5);
  }

  @Test
  void ratioIsUndefinedWithoutBothValuesOrWithAZeroDivisor() {
    assertThat(Direction.HIGHER_IS_BETTER.ratio(null, 1.0)).isNull();
    assertThat(Direction.HIGHER_IS_BETTER.ratio(1.0, null)).isNull();
    assertThat(Direction.HIGHER_IS_BETTER.ratio(1.0, 0.0)).isNull();
    assertThat(Direction.LOWER_IS_BETTER.ratio(0.0, 1.0)).isNull();
    assertThat(Direction.LOWER_IS_BETTER.ratio(Double.NaN, 1.0)).isNull();
    assertThat(Direction.HIGHER_IS_BETTER.ratio(-1.0, 1.0)).isNull();
    assertThat(Direction.HIGHER_IS_BETTER.ratio(0.0, 5.0)).isEqualTo(0.0);
  }

  @Test
  void medianOfOddEvenAndPartlyFailedRuns() {
    assertThat(Median.of(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
    assertThat(Median.of(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Median.of(Arrays.asList(7.0, null, 1.0))).isEqualTo(4.0);
    assertThat(Median.of(Arrays.asList(null, Double.NaN))).isNull();
    assertThat(Median.of(List.of())).isNull();
  }

  @Test
  void jsonHasMachineFactsAndRowsWithTheDocumentedFields(@TempDir Path dir) throws Exception {
    List<ComparisonRow> rows = new ArrayList<>();
    rows.add(
        ComparisonRow.of(
            "readrandom",
            "throughput",
            "ops/s",
            Direction.HIGHER_IS_BETTER,
            500_000.0,
            "rocksdb",
            250_000.0));
    rows.add(
        ComparisonRow.of(
            "readrandom", "p99", "us", Direction.LOWER_IS_BETTER, 4.0, "rocksdb", 2.0));
    rows.add(
        ComparisonRow.of(
            "fillsync",
            "throughput",
            "ops/s",
            Direction.HIGHER_IS_BETTER,
            null,
            "rocksdb",
            7000.0));
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("num", 1_000_000);
    BenchReport report =
        new BenchReport(
            "storage",
            "a test",
            machine,
            settings,
            rows,
            List.of("ppdb run 1: fillsync failed"),
            null);
    Path file = dir.resolve("results/storage.json");
    report.writeJson(file);

    JsonNode json = BenchReport.mapper().readTree(Files.readString(file));
    assertThat(json.get("benchmark").asText()).isEqualTo("storage");
    JsonNode facts = json.get("machine");
    assertThat(facts.get("cores").asInt()).isEqualTo(2);
    assertThat(facts.get("jdk").asText()).isEqualTo("Test JDK 17");
    assertThat(facts.get("date").asText()).isEqualTo("2026-11-21T09:00:00Z");
    assertThat(facts.get("commit").asText()).isEqualTo("abc1234");
    assertThat(json.get("settings").get("num").asInt()).isEqualTo(1_000_000);

    JsonNode first = json.get("rows").get(0);
    List<String> fields = new ArrayList<>();
    first.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly("workload", "metric", "unit", "ppdb", "anchor", "anchor_value", "ratio");
    assertThat(first.get("ratio").asDouble()).isCloseTo(2.0, within(1e-12));
    assertThat(json.get("rows").get(1).get("ratio").asDouble()).isCloseTo(0.5, within(1e-12));
    JsonNode failed = json.get("rows").get(2);
    assertThat(failed.get("ppdb").isNull()).isTrue();
    assertThat(failed.get("ratio").isNull()).isTrue();
    assertThat(failed.get("anchor_value").asDouble()).isEqualTo(7000.0);
    assertThat(json.get("notes").get(0).asText()).isEqualTo("ppdb run 1: fillsync failed");
    assertThat(json.has("runs")).isFalse();
  }

  @Test
  void tableShowsBothValuesTheRatioAndNotes() {
    BenchReport report =
        new BenchReport(
            "storage",
            "1,000 keys",
            machine,
            Map.of(),
            List.of(
                ComparisonRow.of(
                    "fillrandom",
                    "throughput",
                    "ops/s",
                    Direction.HIGHER_IS_BETTER,
                    227_431.0,
                    "rocksdb",
                    113_715.5),
                ComparisonRow.of(
                    "fillrandom", "p50", "us", Direction.LOWER_IS_BETTER, null, "rocksdb", 3.5)),
            List.of("something failed"),
            null);
    String table = report.toTable();
    assertThat(table).contains("storage: 1,000 keys").contains("commit abc1234");
    assertThat(
            table
                .lines()
                .filter(l -> l.startsWith("fillrandom  throughput"))
                .findFirst()
                .orElseThrow())
        .contains("227,431")
        .contains("113,716")
        .endsWith("2.00");
    assertThat(table.lines().filter(l -> l.startsWith("fillrandom  p50")).findFirst().orElseThrow())
        .contains("n/a")
        .contains("3.50");
    assertThat(table).contains("note: something failed");
  }

  @Test
  void valuesAreFormattedForReading() {
    assertThat(BenchReport.formatValue(1234567.4)).isEqualTo("1,234,567");
    assertThat(BenchReport.formatValue(123.44)).isEqualTo("123.4");
    assertThat(BenchReport.formatValue(2.345)).isEqualTo("2.35");
    assertThat(BenchReport.formatValue(0.1234)).isEqualTo("0.123");
    assertThat(BenchReport.formatValue(null)).isEqualTo("n/a");
  }

  @Test
  void runScriptListsEveryBenchmarkCommand() throws Exception {
    // The script lists benchmarks without starting a JVM; it must name every visible command.
    String script = Files.readString(Path.of("run"));
    Bench.commandLine(Path.of("."))
        .getSubcommands()
        .forEach(
            (name, command) -> {
              if (!command.getCommandSpec().usageMessage().hidden()) {
                assertThat(script)
                    .as("bench/run lists %s", name)
                    .contains("benchmarks=$'" + name + "\\t");
              }
            });
  }
}
