package org.ppdb.bench.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One engine's run of the workloads in its own JVM: the measurements in order, the process's peak
 * resident set size, and the failure that ended it early, if any. A worker rewrites this after
 * every workload, so a run that dies still leaves what it measured.
 *
 * @param engine the engine's short name
 * @param description the engine's name and version
 * @param run the run's number, from 1
 * @param peakRssBytes the worker JVM's peak resident set size at the end (-1 if unknown or not yet
 *     finished)
 * @param measurements one entry per workload that ran
 * @param finished whether every workload ran (successfully or not) and the database was removed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EngineRun(
    @JsonProperty("engine") String engine,
    @JsonProperty("description") String description,
    @JsonProperty("run") int run,
    @JsonProperty("peak_rss_bytes") long peakRssBytes,
    @JsonProperty("measurements") List<WorkloadMeasurement> measurements,
    @JsonProperty("finished") boolean finished) {

  public EngineRun {
    measurements = List.copyOf(measurements);
  }

  /** The measurement of {@code workload}, or {@code null} if it did not run. */
  WorkloadMeasurement measurement(String workload) {
    for (WorkloadMeasurement measurement : measurements) {
      if (measurement.workload().equals(workload)) {
        return measurement;
      }
    }
    return null;
  }
}
