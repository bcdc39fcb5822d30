package org.ppdb.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One line of a benchmark report: one metric of one workload, measured on ppdb and on the anchor it
 * is compared with.
 *
 * <p>Serialized as {@code {"workload", "metric", "unit", "ppdb", "anchor", "anchor_value",
 * "ratio"}}; {@code ppdb}, {@code anchor_value} and {@code ratio} are {@code null} when a side did
 * not produce the value (a failed or skipped workload). The ratio is oriented by {@link Direction}:
 * above 1.0 is better for ppdb.
 *
 * @param workload the workload's name, e.g. {@code fillrandom}
 * @param metric the metric's name, e.g. {@code throughput} or {@code p99}
 * @param unit the unit of both values, e.g. {@code ops/s} or {@code us}
 * @param ppdb ppdb's value, or {@code null}
 * @param anchor the anchor's name, e.g. {@code rocksdb 10.2.1 (rocksdbjni)}
 * @param anchorValue the anchor's value, or {@code null}
 * @param ratio ppdb relative to the anchor, higher is better for ppdb, or {@code null}
 */
@JsonPropertyOrder({"workload", "metric", "unit", "ppdb", "anchor", "anchor_value", "ratio"})
public record ComparisonRow(
    @JsonProperty("workload") String workload,
    @JsonProperty("metric") String metric,
    @JsonProperty("unit") String unit,
    @JsonProperty("ppdb") Double ppdb,
    @JsonProperty("anchor") String anchor,
    @JsonProperty("anchor_value") Double anchorValue,
    @JsonProperty("ratio") Double ratio) {

  public ComparisonRow {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(anchor, "anchor");
  }

  /** A row whose ratio is computed from the two values in the metric's {@code direction}. */
  public static ComparisonRow of(
      String workload,
      String metric,
      String unit,
      Direction direction,
      Double ppdb,
      String anchor,
      Double anchorValue) {
    return new ComparisonRow(
        workload, metric, unit, ppdb, anchor, anchorValue, direction.ratio(ppdb, anchorValue));
  }
}
