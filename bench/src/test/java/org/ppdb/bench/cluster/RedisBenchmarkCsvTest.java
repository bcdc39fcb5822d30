package org.ppdb.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedisBenchmarkCsvTest {
  // Printed by redis-benchmark 7.0.15 (Debian) with --csv, warning line included.
  private static final String output =
      "WARNING: Could not fetch server CONFIG\n"
          + "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
          + "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n"
          + "\"SET\",\"79365.08\",\"0.356\",\"0.088\",\"0.295\",\"0.567\",\"1.679\",\"4.567\"\n"
          + "\"GET\",\"82987.55\",\"0.314\",\"0.088\",\"0.303\",\"0.431\",\"0.495\",\"0.903\"\n";

  @Test
  void readsEveryTestLineAfterTheHeader() {
    List<RedisBenchmarkResult> results = RedisBenchmarkCsv.parse(output);

    assertThat(results)
        .containsExactly(
            new RedisBenchmarkResult("SET", 79365.08, 0.356, 0.295, 1.679, 4.567),
            new RedisBenchmarkResult("GET", 82987.55, 0.314, 0.303, 0.495, 0.903));
    assertThat(RedisBenchmarkCsv.find(results, "get").requestsPerSecond()).isEqualTo(82987.55);
    assertThat(RedisBenchmarkCsv.find(results, "INCR")).isNull();
  }

  @Test
  void findsColumnsByNameInAnyOrder() {
    String reordered =
        "\"rps\",\"test\",\"p99_latency_ms\",\"p50_latency_ms\",\"avg_latency_ms\",\"max_latency_ms\"\r\n"
            + "\"1000\",\"SET\",\"9\",\"5\",\"6\",\"10\"\r\n";

    assertThat(RedisBenchmarkCsv.parse(reordered))
        .containsExactly(new RedisBenchmarkResult("SET", 1000, 6, 5, 9, 10));
  }

  @Test
  void quotedFieldsMayHoldCommasAndQuotes() {
    assertThat(RedisBenchmarkCsv.fields("\"a,b\",\"say \"\"hi\"\"\",plain"))
        .containsExactly("a,b", "say \"hi\"", "plain");
  }

  @Test
  void outputWithoutHeaderIsRejected() {
    assertThatThrownBy(() -> RedisBenchmarkCsv.parse("Could not connect to Redis at 127.0.0.1:1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no header line");
  }

  @Test
  void headerWithoutANeededColumnIsRejected() {
    assertThatThrownBy(() -> RedisBenchmarkCsv.parse("\"test\",\"rps\"\n\"SET\",\"1\"\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column 'avg_latency_ms'");
  }

  @Test
  void aFigureThatIsNoNumberIsRejectedWithItsLine() {
    String broken = output.replace("\"82987.55\"", "\"-nan\"");

    assertThatThrownBy(() -> RedisBenchmarkCsv.parse(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rps '-nan' is not a number")
        .hasMessageContaining("\"GET\"");
  }

  @Test
  void aShortLineIsRejected() {
    String shortLine = output + "\"INCR\",\"5\"\n";

    assertThatThrownBy(() -> RedisBenchmarkCsv.parse(shortLine))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 fields (expected: 8)");
  }

  @Test
  void commandAddsPipeliningOnlyAboveOne() {
    assertThat(RedisBenchmarkRunner.command("127.0.0.1", 6379, "set,get", 50, 1000, 100, 100, 1))
        .containsExactly(
            "redis-benchmark",
            "-h",
            "127.0.0.1",
            "-p",
            "6379",
            "-t",
            "set,get",
            "-c",
            "50",
            "-n",
            "1000",
            "-r",
            "100",
            "-d",
            "100",
            "--csv");
    assertThat(RedisBenchmarkRunner.command("127.0.0.1", 6379, "set,get", 50, 1000, 100, 100, 16))
        .containsSubsequence("-P", "16", "--csv");
  }
}
