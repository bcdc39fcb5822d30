package org.ppdb.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppdb.bench.ComparisonRow;

/** From per-run measurements to report rows: medians, orientation, failures, notes. */
class StorageComparisonTest {
  private static WorkloadMeasurement read(
      String workload, double opsPerSecond, double p50, long found, long ops) {
    return new WorkloadMeasurement(
        workload,
        ops,
        1,
        ops / opsPerSecond,
        opsPerSecond,
        p50,
        p50 * 3,
        p50 * 9,
        found,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static WorkloadMeasurement fill(
      String workload, double opsPerSecond, double writeAmp, double spaceAmp) {
    return new WorkloadMeasurement(
        workload,
        1000,
        1,
        1,
        opsPerSecond,
        2.0,
        4.0,
        8.0,
        null,
        116_000L,
        0L,
        writeAmp,
        0L,
        spaceAmp,
        0.5,
        null,
        null);
  }

  private static EngineRun run(
      String engine, int number, long rss, WorkloadMeasurement... measurements) {
    return new EngineRun(engine, engine + " 1.0", number, rss, List.of(measurements), true);
  }

  private static ComparisonRow row(List<ComparisonRow> rows, String workload, String metric) {
    return rows.stream()
        .filter(r -> r.workload().equals(workload) && r.metric().equals(metric))
        .findFirst()
        .orElseThrow();
  }

  private static StorageSettings settings(int num) {
    return new StorageSettings(
        num,
        num,
        num / 10,
        10,
        1000,
        16,
        16,
        100,
        64L << 20,
        64L << 20,
        10,
        4096,
        "none",
        "lsm",
        1L << 30,
        1,
        List.of("fillrandom", "readrandom"),
        120,
        1800);
  }

  @Test
  void rowsCarryMediansOfEachSideAndOrientedRatios() {
    List<EngineRun> ppdb =
        List.of(
            run(
                "ppdb",
                1,
                300L << 20,
                fill("fillrandom", 100, 3.0, 1.2),
                read("readrandom", 400, 1.0, 10, 10)),
            run(
                "ppdb",
                2,
                100L << 20,
                fill("fillrandom", 300, 5.0, 1.0),
                read("readrandom", 600, 3.0, 10, 10)),
            run(
                "ppdb",
                3,
                200L << 20,
                fill("fillrandom", 200, 4.0, 1.1),
                read("readrandom", 500, 2.0, 10, 10)));
    List<EngineRun> rocks =
        List.of(
            run(
                "rocksdb",
                1,
                100L << 20,
                fill("fillrandom", 100, 2.0, 1.1),
                read("readrandom", 250, 4.0, 10, 10)),
            run(
                "rocksdb",
                2,
                100L << 20,
                fill("fillrandom", 100, 2.0, 1.1),
                read("readrandom", 250, 4.0, 10, 10)));
    List<ComparisonRow> rows =
        StorageComparison.rows(
            List.of(Workload.FILLRANDOM, Workload.READRANDOM), "rocksdb 1.0", ppdb, rocks);

    assertThat(row(rows, "fillrandom", "throughput").ppdb()).isEqualTo(200.0);
    assertThat(row(rows, "fillrandom", "throughput").ratio()).isEqualTo(2.0);
    assertThat(row(rows, "fillrandom", "write-amp").ppdb()).isEqualTo(4.0);
    assertThat(row(rows, "fillrandom", "write-amp").ratio()).isEqualTo(0.5);
    assertThat(row(rows, "fillrandom", "space-amp").unit()).isEqualTo("x");
    assertThat(row(rows, "readrandom", "throughput").ratio()).isEqualTo(2.0);
    assertThat(row(rows, "readrandom", "p50").ratio()).isEqualTo(2.0);
    assertThat(row(rows, "readrandom", "p99.9").anchorValue()).isEqualTo(36.0);
    assertThat(
            rows.stream()
                .anyMatch(r -> r.workload().equals("readrandom") && r.metric().equals("write-amp")))
        .as("reads report no write amplification")
        .isFalse();
    ComparisonRow rss = row(rows, "all", "peak-rss");
    assertThat(rss.ppdb()).isEqualTo(200.0);
    assertThat(rss.anchorValue()).isEqualTo(100.0);
    assertThat(rss.ratio()).isEqualTo(0.5);
    assertThat(rows).allMatch(r -> r.anchor().equals("rocksdb 1.0"));
  }

  @Test
  void aFailedWorkloadLeavesItsValuesEmptyAndIsNoted() {
    EngineRun failed =
        new EngineRun(
            "ppdb",
            "ppdb",
            1,
            -1,
            List.of(
                WorkloadMeasurement.failed("fillrandom", "UnsupportedOperationException: not yet")),
            false);
    EngineRun rocks = run("rocksdb", 1, 50L << 20, fill("fillrandom", 100, 2.0, 1.1));
    List<ComparisonRow> rows =
        StorageComparison.rows(
            List.of(Workload.FILLRANDOM), "rocksdb", List.of(failed), List.of(rocks));
    ComparisonRow throughput = row(rows, "fillrandom", "throughput");
    assertThat(throughput.ppdb()).isNull();
    assertThat(throughput.anchorValue()).isEqualTo(100.0);
    assertThat(throughput.ratio()).isNull();
    assertThat(row(rows, "all", "peak-rss").ppdb()).isNull();
    assertThat(StorageComparison.notes(List.of(failed, rocks), settings(1000)))
        .containsExactly(
            "ppdb run 1: fillrandom failed: UnsupportedOperationException: not yet",
            "ppdb run 1: did not finish (see the errors above and the worker's output)");
  }

  @Test
  void readsThatFindTheWrongNumberOfKeysAreNoted() {
    EngineRun run =
        run(
            "ppdb",
            2,
            1,
            read("readrandom", 1, 1, 999, 1000),
            read("readmissing", 1, 1, 3, 1000),
            read("readseq", 1, 1, 1000, 1000),
            read("seekrandom", 1, 1, 100, 100));
    assertThat(StorageComparison.notes(List.of(run), settings(1000)))
        .containsExactly(
            "ppdb run 2: readrandom found 999 of 1,000 keys (expected all)",
            "ppdb run 2: readmissing found 3 absent keys (expected none)");
  }
}
