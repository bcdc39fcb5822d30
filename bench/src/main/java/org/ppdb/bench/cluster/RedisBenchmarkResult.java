package org.ppdb.bench.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One line of redis-benchmark's {@code --csv} output: one test (SET, GET) against one server.
 *
 * @param test the test's name as redis-benchmark prints it, e.g. {@code SET}
 * @param requestsPerSecond completed requests per second
 * @param averageMillis mean latency of a request, milliseconds
 * @param p50Millis median latency, milliseconds
 * @param p99Millis 99th percentile latency, milliseconds
 * @param maxMillis largest latency, milliseconds
 */
@JsonPropertyOrder({"test", "rps", "avg_ms", "p50_ms", "p99_ms", "max_ms"})
record RedisBenchmarkResult(
    @JsonProperty("test") String test,
    @JsonProperty("rps") double requestsPerSecond,
    @JsonProperty("avg_ms") double averageMillis,
    @JsonProperty("p50_ms") double p50Millis,
    @JsonProperty("p99_ms") double p99Millis,
    @JsonProperty("max_ms") double maxMillis) {

  RedisBenchmarkResult {
    Objects.requireNonNull(test, "test");
  }
}
