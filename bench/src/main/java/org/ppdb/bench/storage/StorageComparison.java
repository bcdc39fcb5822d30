package org.ppdb.bench.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.ppdb.bench.ComparisonRow;
import org.ppdb.bench.Direction;
import org.ppdb.bench.Median;

/**
 * Turns the runs of ppdb and of the anchor into report rows: for each workload and metric, the
 * median over the runs on each side and the oriented ratio. Also collects the notes a reader must
 * see: failed workloads and reads that found the wrong number of keys.
 *
 * <p>Pure computation over its inputs; any thread.
 */
final class StorageComparison {
  /** One reported metric: its name, unit, direction and where it sits in a measurement. */
  private record Metric(
      String name, String unit, Direction direction, Function<WorkloadMeasurement, Double> value) {}

  private static final Metric throughput =
      new Metric(
          "throughput", "ops/s", Direction.HIGHER_IS_BETTER, WorkloadMeasurement::opsPerSecond);
  private static final List<Metric> latencies =
      List.of(
          new Metric("p50", "us", Direction.LOWER_IS_BETTER, WorkloadMeasurement::p50Micros),
          new Metric("p99", "us", Direction.LOWER_IS_BETTER, WorkloadMeasurement::p99Micros),
          new Metric("p99.9", "us", Direction.LOWER_IS_BETTER, WorkloadMeasurement::p999Micros));
  private static final Metric writeAmplification =
      new Metric(
          "write-amp", "x", Direction.LOWER_IS_BETTER, WorkloadMeasurement::writeAmplification);
  private static final Metric spaceAmplification =
      new Metric(
          "space-amp", "x", Direction.LOWER_IS_BETTER, WorkloadMeasurement::spaceAmplification);

  private StorageComparison() {}

  /**
   * The rows comparing {@code ppdbRuns} with {@code anchorRuns} over {@code workloads} (in order),
   * then one row of peak RSS per process. Either side may be empty or have failed workloads; their
   * values are then {@code null}.
   */
  static List<ComparisonRow> rows(
      List<Workload> workloads,
      String anchorName,
      List<EngineRun> ppdbRuns,
      List<EngineRun> anchorRuns) {
    List<ComparisonRow> rows = new ArrayList<>();
    for (Workload workload : workloads) {
      List<Metric> metrics = new ArrayList<>();
      metrics.add(throughput);
      if (workload.recordsLatency()) {
        metrics.addAll(latencies);
      }
      if (workload.reportsWriteAmplification()) {
        metrics.add(writeAmplification);
      }
      if (workload.reportsSpaceAmplification()) {
        metrics.add(spaceAmplification);
      }
      for (Metric metric : metrics) {
        rows.add(
            ComparisonRow.of(
                workload.label(),
                metric.name(),
                metric.unit(),
                metric.direction(),
                median(ppdbRuns, workload, metric),
                anchorName,
                median(anchorRuns, workload, metric)));
      }
    }
    rows.add(
        ComparisonRow.of(
            "all",
            "peak-rss",
            "MiB",
            Direction.LOWER_IS_BETTER,
            medianPeakRssMebibytes(ppdbRuns),
            anchorName,
            medianPeakRssMebibytes(anchorRuns)));
    return rows;
  }

  /**
   * What a reader must know beyond the numbers: every failed workload, and reads that found a
   * different number of keys than the workload guarantees (all for readrandom and seekrandom, none
   * for readmissing, {@code num} for readseq after a fill).
   */
  static List<String> notes(List<EngineRun> runs, StorageSettings settings) {
    List<String> notes = new ArrayList<>();
    for (EngineRun run : runs) {
      String who = run.engine() + " run " + run.run();
      for (WorkloadMeasurement m : run.measurements()) {
        if (m.error() != null) {
          notes.add(who + ": " + m.workload() + " failed: " + m.error());
          continue;
        }
        if (m.found() == null) {
          continue;
        }
        long found = m.found();
        long operations = m.operations();
        switch (m.workload()) {
          case "readrandom":
          case "readrandom-2t":
          case "seekrandom":
            if (found != operations) {
              notes.add(
                  String.format(
                      Locale.ROOT,
                      "%s: %s found %,d of %,d keys (expected all)",
                      who,
                      m.workload(),
                      found,
                      operations));
            }
            break;
          case "readmissing":
            if (found != 0) {
              notes.add(
                  String.format(
                      Locale.ROOT,
                      "%s: readmissing found %,d absent keys (expected none)",
                      who,
                      found));
            }
            break;
          case "readseq":
            if (found != settings.num()) {
              notes.add(
                  String.format(
                      Locale.ROOT,
                      "%s: readseq read %,d entries (expected %,d)",
                      who,
                      found,
                      settings.num()));
            }
            break;
          default:
            break;
        }
      }
      if (!run.finished()) {
        notes.add(who + ": did not finish (see the errors above and the worker's output)");
      }
    }
    return notes;
  }

  private static Double median(List<EngineRun> runs, Workload workload, Metric metric) {
    List<Double> values = new ArrayList<>();
    for (EngineRun run : runs) {
      WorkloadMeasurement measurement = run.measurement(workload.label());
      if (measurement != null && measurement.error() == null) {
        values.add(metric.value().apply(measurement));
      }
    }
    return Median.of(values);
  }

  private static Double medianPeakRssMebibytes(List<EngineRun> runs) {
    List<Double> values = new ArrayList<>();
    for (EngineRun run : runs) {
      if (run.peakRssBytes() > 0) {
        values.add(run.peakRssBytes() / (1024.0 * 1024.0));
      }
    }
    return Median.of(values);
  }
}
