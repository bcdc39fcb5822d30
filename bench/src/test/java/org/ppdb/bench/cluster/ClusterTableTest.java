package org.ppdb.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ppdb.bench.BenchReport;
import org.ppdb.bench.MachineFacts;

class ClusterTableTest {
  private static final MachineFacts machine =
      new MachineFacts(2, 1L << 34, "JDK", "Linux", "2026-11-21T10:00:00Z", "abc1234", false, 1.0);

  @Test
  void oneSectionPerAnchorWithItsRows() {
    String set = ClusterComparison.redisWorkload("SET", 50, 1);
    String java = ClusterComparison.javaWorkload(50, 50);
    List<Measurement> measurements =
        List.of(
            new Measurement(1, ClusterComparison.REDIS, set, 90_000, 0.3, 0.6),
            new Measurement(1, ClusterComparison.PPDB_N1, set, 45_000, 0.6, 1.5),
            new Measurement(1, ClusterComparison.HAZELCAST, java, 10_000, 2, 8),
            new Measurement(1, ClusterComparison.PPDB_JAVA, java, 12_000, 1, 4));
    Map<String, String> anchors =
        Map.of(ClusterComparison.REDIS, "redis-server 7", ClusterComparison.HAZELCAST, "hz 5");
    BenchReport report =
        new BenchReport(
            "cluster",
            "title",
            machine,
            Map.of(),
            ClusterComparison.rows(
                measurements,
                anchors,
                ClusterBenchmark.comparedSystems(List.of("redis", "ppdb1", "ppdb-java"))),
            List.of("a note"),
            null);

    String table = ClusterTable.format(report);

    assertThat(table)
        .contains("\nagainst redis-server 7\n")
        .contains("\nagainst hz 5\n")
        .containsPattern("ppdb N=1: SET -c 50 +throughput +ops/s +45,000 +90,000 +0\\.50")
        .containsPattern("ppdb N=1: SET -c 50 +p99 +ms +1\\.500 +0\\.600 +0\\.40")
        .containsPattern("java 50 threads, 50% reads +throughput +ops/s +12,000 +10,000 +1\\.20")
        .contains("note: a note")
        .doesNotContain("ppdb N=3");
    assertThat(table.indexOf("against redis-server 7")).isLessThan(table.indexOf("against hz 5"));
  }

  @Test
  void missingValuesAreNotAvailable() {
    assertThat(ClusterTable.format((Double) null)).isEqualTo("n/a");
    assertThat(ClusterTable.format(1234.4)).isEqualTo("1,234");
    assertThat(ClusterTable.format(0.5)).isEqualTo("0.500");
  }

  @Test
  void unknownSystemNamesAreRejected() {
    assertThatThrownBy(() -> ClusterBenchmark.comparedSystems(List.of("memcached")))
        .hasMessage("system: memcached");
  }
}
