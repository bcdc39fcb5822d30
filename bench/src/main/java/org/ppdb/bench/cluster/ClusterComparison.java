package org.ppdb.bench.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ppdb.bench.ComparisonRow;
import org.ppdb.bench.Direction;
import org.ppdb.bench.Median;

/**
 * Turns the cluster benchmark's per-run {@link Measurement}s into report rows and goal notes: per
 * system, workload and metric the median over the runs, then the ratios the issue asks for: ppdb
 * with N = 1 and ppdb with N = 3 at QUORUM against redis-server under each redis-benchmark
 * workload, and ppdb's Java client against Hazelcast's under the Java workload. Ratios read like
 * every bench report: above 1.0 is better for ppdb. Stateless; cost linear in the measurements.
 */
final class ClusterComparison {
  /** redis-server with AOF, the anchor of the redis-benchmark workloads: (a). */
  static final String REDIS = "redis-server";

  /** One ppdb peer with N = 1: (b). */
  static final String PPDB_N1 = "ppdb N=1";

  /** Three ppdb peers with N = 3 at QUORUM, driven by redis-benchmark: (c). */
  static final String PPDB_N3 = "ppdb N=3 QUORUM";

  /** Three ppdb peers with N = 3 at QUORUM, driven by ppdb's Java client. */
  static final String PPDB_JAVA = "ppdb Java client N=3 QUORUM";

  /** Three Hazelcast members with two synchronous backups, driven by Hazelcast's Java client. */
  static final String HAZELCAST = "hazelcast";

  static final String THROUGHPUT = "throughput";
  static final String P50 = "p50";
  static final String P99 = "p99";

  /** A goal of the issue: a minimum throughput ratio and optionally a p99 bound. */
  record Goal(
      String label, String system, List<String> workloads, double ratioMin, Double p99MillisMax) {}

  private ClusterComparison() {}

  /** The label of a redis-benchmark workload: {@code SET -c 50} or {@code SET -c 50 -P 16}. */
  static String redisWorkload(String test, int clients, int pipeline) {
    return test + " -c " + clients + (pipeline > 1 ? " -P " + pipeline : "");
  }

  /** The label of the Java workload: {@code java 50 threads, 50% reads}. */
  static String javaWorkload(int threads, int readPercent) {
    return "java " + threads + " threads, " + readPercent + "% reads";
  }

  /**
   * The median of one metric of {@code system} under {@code workload}, or null if never measured.
   */
  static Double median(
      List<Measurement> measurements, String system, String workload, String metric) {
    List<Double> values = new ArrayList<>();
    for (Measurement m : measurements) {
      if (m.system().equals(system) && m.workload().equals(workload)) {
        values.add(
            switch (metric) {
              case THROUGHPUT -> m.opsPerSecond();
              case P50 -> m.p50Millis();
              case P99 -> m.p99Millis();
              default -> throw new IllegalArgumentException("metric: " + metric);
            });
      }
    }
    return Median.of(values);
  }

  /**
   * The rows: for every redis-benchmark workload (in first-seen order), ppdb N=1 then ppdb N=3
   * against redis-server; then the Java workload, ppdb's client against Hazelcast's. Each
   * comparison gives a throughput, a p50 and a p99 row; a comparison neither side measured is left
   * out.
   *
   * @param anchors the report's name of each anchor system ({@link #REDIS}, {@link #HAZELCAST}),
   *     e.g. with its version; missing names fall back to the system's
   */
  static List<ComparisonRow> rows(
      List<Measurement> measurements, Map<String, String> anchors, Set<String> compared) {
    List<ComparisonRow> rows = new ArrayList<>();
    Set<String> redisWorkloads = new LinkedHashSet<>();
    Set<String> javaWorkloads = new LinkedHashSet<>();
    for (Measurement m : measurements) {
      if (m.system().equals(REDIS) || m.system().equals(PPDB_N1) || m.system().equals(PPDB_N3)) {
        redisWorkloads.add(m.workload());
      } else {
        javaWorkloads.add(m.workload());
      }
    }
    // Without a ppdb system beside redis-server, both show the anchor's figures (and n/a for ppdb).
    boolean anchorOnly = !compared.contains(PPDB_N1) && !compared.contains(PPDB_N3);
    for (String system : List.of(PPDB_N1, PPDB_N3)) {
      if (compared.contains(system) || (anchorOnly && compared.contains(REDIS))) {
        for (String workload : redisWorkloads) {
          compare(rows, measurements, workload, system, REDIS, anchors);
        }
      }
    }
    if (compared.contains(PPDB_JAVA) || compared.contains(HAZELCAST)) {
      for (String workload : javaWorkloads) {
        compare(rows, measurements, workload, PPDB_JAVA, HAZELCAST, anchors);
      }
    }
    return rows;
  }

  private static void compare(
      List<ComparisonRow> rows,
      List<Measurement> measurements,
      String workload,
      String system,
      String anchor,
      Map<String, String> anchors) {
    boolean any = false;
    for (Measurement m : measurements) {
      if (m.workload().equals(workload)
          && (m.system().equals(system) || m.system().equals(anchor))) {
        any = true;
      }
    }
    if (!any) {
      return;
    }
    String anchorName = anchors.getOrDefault(anchor, anchor);
    String label = system + ": " + workload;
    rows.add(
        ComparisonRow.of(
            label,
            THROUGHPUT,
            "ops/s",
            Direction.HIGHER_IS_BETTER,
            median(measurements, system, workload, THROUGHPUT),
            anchorName,
            median(measurements, anchor, workload, THROUGHPUT)));
    for (String metric : List.of(P50, P99)) {
      rows.add(
          ComparisonRow.of(
              label,
              metric,
              "ms",
              Direction.LOWER_IS_BETTER,
              median(measurements, system, workload, metric),
              anchorName,
              median(measurements, anchor, workload, metric)));
    }
  }

  /**
   * The goals for this benchmark, for {@code clients} clients and pipeline depth {@code
   * pipeline}.
   */
  static List<Goal> goals(int clients, int pipeline, int threads, int readPercent) {
    List<String> plain =
        List.of(redisWorkload("SET", clients, 1), redisWorkload("GET", clients, 1));
    List<String> pipelined =
        List.of(redisWorkload("SET", clients, pipeline), redisWorkload("GET", clients, pipeline));
    return List.of(
        new Goal(
            "(b) ppdb N=1 >= 0.8 x redis-server without pipelining", PPDB_N1, plain, 0.8, null),
        new Goal(
            "(b) ppdb N=1 >= 0.5 x redis-server with -P " + pipeline,
            PPDB_N1,
            pipelined,
            0.5,
            null),
        new Goal(
            "(c) ppdb N=3 QUORUM >= 0.3 x redis-server, p99 < 5 ms, without pipelining",
            PPDB_N3,
            plain,
            0.3,
            5.0),
        new Goal(
            "ppdb Java client >= 1.0 x Hazelcast",
            PPDB_JAVA,
            List.of(javaWorkload(threads, readPercent)),
            1.0,
            null));
  }

  /**
   * One note per goal: the ratio (and p99) of each of its workloads and whether the goal is met,
   * missed, or not measured.
   */
  static List<String> goalNotes(List<Measurement> measurements, List<Goal> goals) {
    List<String> notes = new ArrayList<>();
    for (Goal goal : goals) {
      String anchor = goal.system().equals(PPDB_JAVA) ? HAZELCAST : REDIS;
      StringBuilder detail = new StringBuilder();
      boolean measured = true;
      boolean met = true;
      for (String workload : goal.workloads()) {
        Double ratio =
            Direction.HIGHER_IS_BETTER.ratio(
                median(measurements, goal.system(), workload, THROUGHPUT),
                median(measurements, anchor, workload, THROUGHPUT));
        Double p99 = median(measurements, goal.system(), workload, P99);
        detail.append(detail.length() == 0 ? "" : ", ").append(workload).append(' ');
        if (ratio == null) {
          measured = false;
          detail.append("n/a");
          continue;
        }
        detail.append(String.format(Locale.ROOT, "%.2f x", ratio));
        met &= ratio >= goal.ratioMin();
        if (goal.p99MillisMax() != null) {
          detail.append(String.format(Locale.ROOT, " p99 %.2f ms", p99));
          met &= p99 != null && p99 < goal.p99MillisMax();
        }
      }
      String verdict = !measured ? "not measured" : met ? "met" : "missed";
      notes.add("goal " + goal.label() + ": " + verdict + " (" + detail + ")");
    }
    return notes;
  }
}
