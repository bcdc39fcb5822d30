package org.ppdb.bench.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The Java workload: {@code threads} threads, each in a closed loop of synchronous requests, keys
 * drawn uniformly from {@code keys} keys of {@value #KEY_BYTES} bytes, values of {@code valueBytes}
 * random bytes, a read with probability {@code readPercent}%, a put otherwise. Before it, every key
 * is written once (untimed: it fills the store), so that reads find values; then the mixed workload
 * runs untimed for {@code warmupSeconds}, so that the timed phase measures both sides after their
 * JIT compilers reached the read and write paths (a fresh three-JVM cluster on two cores needs tens
 * of seconds, and the preload warms only the write path). The timed phase lasts {@code seconds}, or
 * {@code ops} operations when that is positive.
 *
 * @param threads client threads (50 in the issue)
 * @param keys distinct keys
 * @param valueBytes bytes per value (100)
 * @param readPercent share of gets among operations, 0 to 100 (50)
 * @param seconds length of the timed phase when {@code ops} is 0
 * @param ops operations of the timed phase, or 0 to run for {@code seconds}
 * @param warmupSeconds length of the untimed mixed phase before the timed one (0: none)
 * @param seed seed of the key choice and the values; the same seed gives the same requests
 */
@JsonPropertyOrder({
  "threads",
  "keys",
  "key_bytes",
  "value_bytes",
  "read_percent",
  "seconds",
  "ops",
  "warmup_seconds"
})
record WorkloadSettings(
    @JsonProperty("threads") int threads,
    @JsonProperty("keys") int keys,
    @JsonProperty("value_bytes") int valueBytes,
    @JsonProperty("read_percent") int readPercent,
    @JsonProperty("seconds") int seconds,
    @JsonProperty("ops") long ops,
    @JsonProperty("warmup_seconds") int warmupSeconds,
    @JsonProperty("seed") long seed) {

  /** Bytes per key: {@code key:} and 12 digits, the shape of redis-benchmark's keys. */
  static final int KEY_BYTES = 16;

  /** Most client threads. */
  static final int THREADS_MAX = 1024;

  WorkloadSettings {
    if (threads < 1 || threads > THREADS_MAX) {
      throw new IllegalArgumentException(
          "threads: " + threads + " (expected: 1 to " + THREADS_MAX + ")");
    }
    if (keys < 1) {
      throw new IllegalArgumentException("keys: " + keys + " (expected: > 0)");
    }
    if (valueBytes < 0) {
      throw new IllegalArgumentException("valueBytes: " + valueBytes + " (expected: >= 0)");
    }
    if (readPercent < 0 || readPercent > 100) {
      throw new IllegalArgumentException("readPercent: " + readPercent + " (expected: 0 to 100)");
    }
    if (ops < 0) {
      throw new IllegalArgumentException("ops: " + ops + " (expected: >= 0)");
    }
    if (warmupSeconds < 0) {
      throw new IllegalArgumentException("warmupSeconds: " + warmupSeconds + " (expected: >= 0)");
    }
    if (ops == 0 && seconds < 1) {
      throw new IllegalArgumentException("seconds: " + seconds + " (expected: > 0 when ops is 0)");
    }
  }

  @JsonProperty("key_bytes")
  int keyBytes() {
    return KEY_BYTES;
  }

  /** The key of index {@code i}: {@code key:000000000042}, 16 bytes. */
  static byte[] key(long i) {
    return String.format(java.util.Locale.ROOT, "key:%012d", i)
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
