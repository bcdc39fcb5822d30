package org.ppdb.bench.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What one Java workload run measured on one system; written by the worker JVM as JSON and read
 * back by the benchmark. Latencies are of one synchronous request, in milliseconds, from
 * HdrHistogram (3 significant digits); failed requests are counted, not timed.
 *
 * @param system what was measured (the target's description)
 * @param preloadSeconds how long writing every key once took (untimed phase)
 * @param preloadErrors failed writes of the preload
 * @param seconds length of the timed phase
 * @param ops requests completed in the timed phase (successful or not)
 * @param gets gets among {@code ops}
 * @param puts puts among {@code ops}
 * @param misses gets that found no value although every key was preloaded
 * @param errors failed requests
 * @param timeouts failed requests whose outcome is unknown (a timeout exception)
 * @param opsPerSecond successful requests per second of the timed phase
 * @param p50Millis median latency of all successful requests
 * @param p99Millis 99th percentile of all successful requests
 * @param getP50Millis median of gets
 * @param getP99Millis 99th percentile of gets
 * @param putP50Millis median of puts
 * @param putP99Millis 99th percentile of puts
 * @param errorSamples the first few error messages
 */
@JsonPropertyOrder({
  "system",
  "preload_seconds",
  "preload_errors",
  "seconds",
  "ops",
  "gets",
  "puts",
  "misses",
  "errors",
  "timeouts",
  "ops_per_second",
  "p50_ms",
  "p99_ms",
  "get_p50_ms",
  "get_p99_ms",
  "put_p50_ms",
  "put_p99_ms",
  "error_samples"
})
record WorkloadResult(
    @JsonProperty("system") String system,
    @JsonProperty("preload_seconds") double preloadSeconds,
    @JsonProperty("preload_errors") long preloadErrors,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("ops") long ops,
    @JsonProperty("gets") long gets,
    @JsonProperty("puts") long puts,
    @JsonProperty("misses") long misses,
    @JsonProperty("errors") long errors,
    @JsonProperty("timeouts") long timeouts,
    @JsonProperty("ops_per_second") double opsPerSecond,
    @JsonProperty("p50_ms") double p50Millis,
    @JsonProperty("p99_ms") double p99Millis,
    @JsonProperty("get_p50_ms") double getP50Millis,
    @JsonProperty("get_p99_ms") double getP99Millis,
    @JsonProperty("put_p50_ms") double putP50Millis,
    @JsonProperty("put_p99_ms") double putP99Millis,
    @JsonProperty("error_samples") List<String> errorSamples) {

  WorkloadResult {
    errorSamples = errorSamples == null ? List.of() : List.copyOf(errorSamples);
  }
}
