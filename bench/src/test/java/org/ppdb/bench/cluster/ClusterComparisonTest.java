package org.ppdb.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.ppdb.bench.cluster.ClusterComparison.HAZELCAST;
import static org.ppdb.bench.cluster.ClusterComparison.PPDB_JAVA;
import static org.ppdb.bench.cluster.ClusterComparison.PPDB_N1;
import static org.ppdb.bench.cluster.ClusterComparison.PPDB_N3;
import static org.ppdb.bench.cluster.ClusterComparison.REDIS;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ppdb.bench.ComparisonRow;

class ClusterComparisonTest {
  private static final String set = ClusterComparison.redisWorkload("SET", 50, 1);
  private static final String get = ClusterComparison.redisWorkload("GET", 50, 1);
  private static final String setPipelined = ClusterComparison.redisWorkload("SET", 50, 16);
  private static final String getPipelined = ClusterComparison.redisWorkload("GET", 50, 16);
  private static final String java = ClusterComparison.javaWorkload(50, 50);
  private static final Set<String> all = Set.of(REDIS, PPDB_N1, PPDB_N3, PPDB_JAVA, HAZELCAST);

  @Test
  void workloadLabelsSayClientsAndPipelining() {
    assertThat(set).isEqualTo("SET -c 50");
    assertThat(setPipelined).isEqualTo("SET -c 50 -P 16");
    assertThat(java).isEqualTo("java 50 threads, 50% reads");
  }

  @Test
  void throughputRatioIsPpdbOverRedisAndLatencyRatioRedisOverPpdb() {
    List<Measurement> measurements =
        List.of(
            new Measurement(1, REDIS, set, 100_000, 0.3, 0.6),
            new Measurement(1, PPDB_N1, set, 80_000, 0.6, 1.2));

    List<ComparisonRow> rows =
        ClusterComparison.rows(
            measurements, Map.of(REDIS, "redis-server 7.0.15"), Set.of(REDIS, PPDB_N1));

    ComparisonRow throughput = row(rows, PPDB_N1 + ": " + set, "throughput");
    assertThat(throughput.ppdb()).isEqualTo(80_000.0);
    assertThat(throughput.anchorValue()).isEqualTo(100_000.0);
    assertThat(throughput.anchor()).isEqualTo("redis-server 7.0.15");
    assertThat(throughput.ratio()).isCloseTo(0.8, within(1e-9));
    assertThat(row(rows, PPDB_N1 + ": " + set, "p50").ratio()).isCloseTo(0.5, within(1e-9));
    assertThat(row(rows, PPDB_N1 + ": " + set, "p99").ratio()).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void eachFigureIsTheMedianOverRuns() {
    List<Measurement> measurements =
        List.of(
            new Measurement(1, REDIS, get, 90_000, 0.3, 0.5),
            new Measurement(2, REDIS, get, 50_000, 0.9, 3.0),
            new Measurement(3, REDIS, get, 100_000, 0.2, 0.4),
            new Measurement(1, PPDB_N3, get, 30_000, 1.0, 2.0),
            new Measurement(2, PPDB_N3, get, 40_000, 1.1, 4.0));

    assertThat(ClusterComparison.median(measurements, REDIS, get, "throughput"))
        .isEqualTo(90_000.0);
    assertThat(ClusterComparison.median(measurements, REDIS, get, "p99")).isEqualTo(0.5);
    // Two runs (one failed): the mean of the two.
    assertThat(ClusterComparison.median(measurements, PPDB_N3, get, "throughput"))
        .isEqualTo(35_000.0);
    assertThat(ClusterComparison.median(measurements, PPDB_N1, get, "throughput")).isNull();
  }

  @Test
  void aSideWithoutFiguresGivesNullsNotZeros() {
    List<Measurement> measurements = List.of(new Measurement(1, REDIS, set, 100_000, 0.3, 0.6));

    List<ComparisonRow> rows = ClusterComparison.rows(measurements, Map.of(), all);

    ComparisonRow throughput = row(rows, PPDB_N3 + ": " + set, "throughput");
    assertThat(throughput.ppdb()).isNull();
    assertThat(throughput.ratio()).isNull();
    assertThat(throughput.anchor()).isEqualTo(REDIS);
  }

  @Test
  void rowsComeGroupedBySystemThenWorkloadWithJavaLast() {
    List<Measurement> measurements = new ArrayList<>();
    for (String workload : List.of(set, get, setPipelined, getPipelined)) {
      for (String system : List.of(REDIS, PPDB_N1, PPDB_N3)) {
        measurements.add(new Measurement(1, system, workload, 1000, 1, 2));
      }
    }
    measurements.add(new Measurement(1, HAZELCAST, java, 10_000, 2, 8));
    measurements.add(new Measurement(1, PPDB_JAVA, java, 12_000, 1, 4));

    List<ComparisonRow> rows =
        ClusterComparison.rows(measurements, Map.of(HAZELCAST, "hazelcast 5.7.0"), all);

    assertThat(rows).hasSize((2 * 4 + 1) * 3);
    assertThat(rows.stream().map(ComparisonRow::workload).distinct().toList())
        .containsExactly(
            PPDB_N1 + ": " + set,
            PPDB_N1 + ": " + get,
            PPDB_N1 + ": " + setPipelined,
            PPDB_N1 + ": " + getPipelined,
            PPDB_N3 + ": " + set,
            PPDB_N3 + ": " + get,
            PPDB_N3 + ": " + setPipelined,
            PPDB_N3 + ": " + getPipelined,
            PPDB_JAVA + ": " + java);
    ComparisonRow javaThroughput = row(rows, PPDB_JAVA + ": " + java, "throughput");
    assertThat(javaThroughput.anchor()).isEqualTo("hazelcast 5.7.0");
    assertThat(javaThroughput.ratio()).isCloseTo(1.2, within(1e-9));
  }

  @Test
  void systemsNotComparedAreLeftOut() {
    List<Measurement> measurements = List.of(new Measurement(1, HAZELCAST, java, 10_000, 2, 8));

    List<ComparisonRow> rows = ClusterComparison.rows(measurements, Map.of(), Set.of(HAZELCAST));

    assertThat(rows).extracting(ComparisonRow::workload).containsOnly(PPDB_JAVA + ": " + java);
  }

  @Test
  void goalNotesSayMetMissedOrNotMeasured() {
    List<Measurement> measurements =
        List.of(
            new Measurement(1, REDIS, set, 100_000, 0.3, 0.6),
            new Measurement(1, REDIS, get, 100_000, 0.3, 0.6),
            new Measurement(1, PPDB_N1, set, 85_000, 0.3, 0.6),
            new Measurement(1, PPDB_N1, get, 79_000, 0.3, 0.6),
            // (c): enough throughput, but p99 over 5 ms on GET
            new Measurement(1, PPDB_N3, set, 40_000, 1, 4.9),
            new Measurement(1, PPDB_N3, get, 40_000, 1, 5.1));

    List<String> notes =
        ClusterComparison.goalNotes(measurements, ClusterComparison.goals(50, 16, 50, 50));

    assertThat(notes).hasSize(4);
    assertThat(notes.get(0))
        .startsWith("goal (b) ppdb N=1 >= 0.8 x redis-server without pipelining: missed")
        .contains("SET -c 50 0.85 x")
        .contains("GET -c 50 0.79 x");
    assertThat(notes.get(1)).contains(": not measured");
    assertThat(notes.get(2))
        .contains("p99 < 5 ms")
        .contains(": missed")
        .contains("GET -c 50 0.40 x p99 5.10 ms");
    assertThat(notes.get(3)).startsWith("goal ppdb Java client >= 1.0 x Hazelcast: not measured");
  }

  @Test
  void goalIsMetWhenEveryWorkloadReachesIt() {
    List<Measurement> measurements =
        List.of(
            new Measurement(1, HAZELCAST, java, 10_000, 2, 8),
            new Measurement(1, PPDB_JAVA, java, 10_000, 1, 4));

    List<String> notes =
        ClusterComparison.goalNotes(measurements, ClusterComparison.goals(50, 16, 50, 50));

    assertThat(notes.get(3)).contains(": met (java 50 threads, 50% reads 1.00 x)");
  }

  private static ComparisonRow row(List<ComparisonRow> rows, String workload, String metric) {
    return rows.stream()
        .filter(r -> r.workload().equals(workload) && r.metric().equals(metric))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no row " + workload + " / " + metric + " in " + rows));
  }
}
