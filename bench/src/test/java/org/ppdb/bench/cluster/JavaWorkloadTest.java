package org.ppdb.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JavaWorkloadTest {
  /** A store in a map, counting calls, failing every {@code failEvery}-th put after the preload. */
  private static final class MapTarget implements KeyValueTarget {
    final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();
    final AtomicLong gets = new AtomicLong();
    final AtomicLong puts = new AtomicLong();
    final long failAfterPuts;

    MapTarget(long failAfterPuts) {
      this.failAfterPuts = failAfterPuts;
    }

    @Override
    public void put(byte[] key, byte[] value) throws Exception {
      if (puts.incrementAndGet() > failAfterPuts) {
        throw new java.util.concurrent.TimeoutException("simulated");
      }
      map.put(new String(key, java.nio.charset.StandardCharsets.US_ASCII), value);
    }

    @Override
    public byte[] get(byte[] key) {
      gets.incrementAndGet();
      return map.get(new String(key, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public String description() {
      return "map";
    }

    @Override
    public void close() {}
  }

  @Test
  void preloadsEveryKeyThenRunsTheRequestedOperations() throws Exception {
    long seed = 7;
    MapTarget target = new MapTarget(Long.MAX_VALUE);
    WorkloadSettings settings = new WorkloadSettings(4, 200, 100, 50, 1, 4_000, 0, seed);

    WorkloadResult result = JavaWorkload.run(target, settings);

    assertThat(target.map).as("seed %d", seed).hasSize(200);
    assertThat(target.map.values()).allSatisfy(v -> assertThat(v).hasSize(100));
    assertThat(result.ops()).as("seed %d", seed).isEqualTo(4_000);
    assertThat(result.gets() + result.puts()).isEqualTo(4_000);
    assertThat(result.gets()).as("seed %d", seed).isBetween(1_700L, 2_300L);
    assertThat(target.puts.get()).isEqualTo(200 + result.puts());
    assertThat(result.misses()).isZero();
    assertThat(result.errors()).isZero();
    assertThat(result.opsPerSecond()).isPositive();
    assertThat(result.p99Millis()).isGreaterThanOrEqualTo(result.p50Millis());
    assertThat(result.system()).isEqualTo("map");
  }

  @Test
  void failedRequestsAreCountedAsErrorsAndTimeouts() throws Exception {
    MapTarget target = new MapTarget(50); // the preload's 50 puts succeed, every later one fails
    WorkloadSettings settings = new WorkloadSettings(2, 50, 10, 0, 1, 100, 0, 11);

    WorkloadResult result = JavaWorkload.run(target, settings);

    assertThat(result.errors()).isEqualTo(100);
    assertThat(result.timeouts()).isEqualTo(100);
    assertThat(result.puts()).isZero(); // failures are not timed
    assertThat(result.errorSamples())
        .hasSize(JavaWorkload.ERROR_SAMPLES_MAX)
        .allSatisfy(s -> assertThat(s).isEqualTo("put: TimeoutException: simulated"));
  }

  @Test
  void warmUpRequestsAreNeitherTimedNorCounted() throws Exception {
    MapTarget target = new MapTarget(Integer.MAX_VALUE);
    WorkloadSettings settings = new WorkloadSettings(2, 50, 10, 50, 1, 100, 1, 11);

    WorkloadResult result = JavaWorkload.run(target, settings);

    assertThat(result.ops()).isEqualTo(100);
    assertThat(result.gets() + result.puts()).isEqualTo(100);
    assertThat(target.gets.get() + target.puts.get())
        .as("preload, warm-up and timed calls")
        .isGreaterThan(50 + 100);
    assertThat(result.errors()).isZero();
  }

  @Test
  void keysAreSixteenBytesShapedLikeRedisBenchmarks() {
    assertThat(new String(WorkloadSettings.key(42), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("key:000000000042");
    assertThat(WorkloadSettings.key(999_999_999_999L)).hasSize(WorkloadSettings.KEY_BYTES);
  }

  @Test
  void settingsOutOfRangeAreRejected() {
    assertThatThrownBy(() -> new WorkloadSettings(0, 1, 1, 50, 1, 0, 0, 1))
        .hasMessage("threads: 0 (expected: 1 to 1024)");
    assertThatThrownBy(() -> new WorkloadSettings(1, 1, 1, 101, 1, 0, 0, 1))
        .hasMessage("readPercent: 101 (expected: 0 to 100)");
    assertThatThrownBy(() -> new WorkloadSettings(1, 1, 1, 50, 0, 0, 0, 1))
        .hasMessage("seconds: 0 (expected: > 0 when ops is 0)");
  }
}
