package org.ppdb.bench.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One figure set of one run: a system (e.g. {@code ppdb N=1}) under one workload (e.g. {@code SET
 * -c 50 -P 16}): throughput and two latency percentiles.
 *
 * @param run the run, from 1
 * @param system the system measured, one of the names in {@link ClusterComparison}
 * @param workload the workload's label
 * @param opsPerSecond completed requests per second
 * @param p50Millis median latency, milliseconds
 * @param p99Millis 99th percentile latency, milliseconds
 */
@JsonPropertyOrder({"run", "system", "workload", "ops_per_second", "p50_ms", "p99_ms"})
record Measurement(
    @JsonProperty("run") int run,
    @JsonProperty("system") String system,
    @JsonProperty("workload") String workload,
    @JsonProperty("ops_per_second") double opsPerSecond,
    @JsonProperty("p50_ms") double p50Millis,
    @JsonProperty("p99_ms") double p99Millis) {

  Measurement {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(workload, "workload");
  }
}
