package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.StorageStats;

class StorageMetersTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger calls = new AtomicInteger();

  private static StorageStats stats(long userBytes, long evictions, boolean readOnly) {
    return new StorageStats(
        List.of(
            new StorageStats.LevelStats(0, 3, 3_000, 0.75),
            new StorageStats.LevelStats(1, 5, 50_000, 0.5)),
        4_096,
        1_000,
        userBytes,
        2 * userBytes,
        3_000,
        7_000,
        6_000,
        53_000,
        new StorageStats.CacheStats(90, 10, 4, 1_024, 65_536),
        new StorageStats.CacheStats(8, 2, 0, 8, 1_000),
        2_500_000_000L,
        12,
        evictions,
        2,
        1,
        readOnly);
  }

  private String scrape() {
    return registry.scrape(AdminPipeline.PROMETHEUS_TEXT);
  }

  @Test
  void theEnginesStatisticsAppearUnderTheirPrometheusNames() {
    StorageMeters.bind(
        registry,
        () -> {
          calls.incrementAndGet();
          return stats(1_000, 17, false);
        },
        now::get);

    assertThat(scrape())
        .contains("ppdb_storage_written_bytes_total{kind=\"user\"} 1000.0")
        .contains("ppdb_storage_written_bytes_total{kind=\"wal\"} 2000.0")
        .contains("ppdb_storage_written_bytes_total{kind=\"flush\"} 3000.0")
        .contains("ppdb_storage_written_bytes_total{kind=\"compaction\"} 7000.0")
        .contains("ppdb_storage_compaction_read_bytes_total 6000.0")
        .contains("ppdb_storage_level_files{level=\"0\"} 3.0")
        .contains("ppdb_storage_level_bytes{level=\"1\"} 50000.0")
        .contains("ppdb_storage_level_files{level=\"6\"} 0.0")
        .contains("ppdb_storage_memtable_bytes 4096.0")
        .contains("ppdb_storage_live_bytes 53000.0")
        .contains("ppdb_storage_cache_hits_total{cache=\"block\"} 90.0")
        .contains("ppdb_storage_cache_misses_total{cache=\"table\"} 2.0")
        .contains("ppdb_storage_cache_evictions_total{cache=\"block\"} 4.0")
        .contains("ppdb_storage_stalls_total 12.0")
        .contains("ppdb_storage_stall_seconds_total 2.5")
        .contains("ppdb_storage_evictions_total 17.0")
        .contains("ppdb_storage_flushes_total 2.0")
        .contains("ppdb_storage_compactions_total 1.0")
        .contains("ppdb_storage_read_only 0.0");
  }

  @Test
  void oneSnapshotServesEveryMeterUntilItIsASecondOld() {
    AtomicLong user = new AtomicLong(100);
    StorageMeters.bind(
        registry,
        () -> {
          calls.incrementAndGet();
          return stats(user.get(), 0, user.get() > 150);
        },
        now::get);

    scrape();
    assertThat(calls).hasValue(1);
    user.set(200);
    now.addAndGet(StorageMeters.SNAPSHOT_MAX_AGE_NANOS - 1);
    assertThat(scrape()).contains("ppdb_storage_written_bytes_total{kind=\"user\"} 100.0");
    assertThat(calls).hasValue(1);
    now.addAndGet(1);
    assertThat(scrape())
        .contains("ppdb_storage_written_bytes_total{kind=\"user\"} 200.0")
        .contains("ppdb_storage_read_only 1.0");
    assertThat(calls).hasValue(2);
  }
}
