package org.ppdb.bench.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one workload measured on one engine in one run. Values an engine did not produce (the
 * workload failed, or the metric does not apply) are {@code null}.
 *
 * @param workload the workload's name
 * @param operations operations completed (for readseq: entries read)
 * @param threads threads that ran them
 * @param seconds wall time from the start gate to the last thread's end
 * @param opsPerSecond operations per second over that time
 * @param p50Micros median latency of one operation, microseconds
 * @param p99Micros 99th-percentile latency
 * @param p999Micros 99.9th-percentile latency
 * @param found reads that found a value (readrandom should find all, readmissing none)
 * @param userBytesWritten bytes of keys and values the workload put
 * @param diskBytesWritten bytes the process wrote to storage from the workload's start until
 *     flushes and compactions settled
 * @param writeAmplification disk bytes over user bytes (WAL included)
 * @param databaseBytes bytes of the database directory after settling
 * @param spaceAmplification database bytes over the live user bytes
 * @param settleSeconds time spent waiting for flushes and compactions after the workload
 * @param error the failure, if the workload failed
 * @param engineStats the engine's own statistics after a write workload settled (raw, by the
 *     engine's names), or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadMeasurement(
    @JsonProperty("workload") String workload,
    @JsonProperty("operations") long operations,
    @JsonProperty("threads") int threads,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("ops_per_second") Double opsPerSecond,
    @JsonProperty("p50_us") Double p50Micros,
    @JsonProperty("p99_us") Double p99Micros,
    @JsonProperty("p999_us") Double p999Micros,
    @JsonProperty("found") Long found,
    @JsonProperty("user_bytes_written") Long userBytesWritten,
    @JsonProperty("disk_bytes_written") Long diskBytesWritten,
    @JsonProperty("write_amplification") Double writeAmplification,
    @JsonProperty("database_bytes") Long databaseBytes,
    @JsonProperty("space_amplification") Double spaceAmplification,
    @JsonProperty("settle_seconds") Double settleSeconds,
    @JsonProperty("error") String error,
    @JsonProperty("engine_stats") java.util.Map<String, Object> engineStats) {

  /** A workload that failed before producing figures. */
  static WorkloadMeasurement failed(String workload, String error) {
    return new WorkloadMeasurement(
        workload, 0, 0, 0, null, null, null, null, null, null, null, null, null, null, null, error,
        null);
  }
}
