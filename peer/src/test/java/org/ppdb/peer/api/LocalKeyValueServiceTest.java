package org.ppdb.peer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.StorageClock;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.SyncPolicy;

class LocalKeyValueServiceTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  final AtomicLong versions = new AtomicLong(100);
  StorageEngine engine;
  LocalKeyValueService service;

  @BeforeEach
  void open() {
    StorageClock clock =
        new StorageClock() {
          @Override
          public long epochMillis() {
            return now.get();
          }

          @Override
          public long nanoTime() {
            return now.get() * 1_000_000L;
          }
        };
    try {
      engine =
          LsmStorage.open(
              dir, LsmOptions.builder().syncPolicy(SyncPolicy.never()).clock(clock).build());
    } catch (UnsupportedOperationException e) {
      Assumptions.abort("the installed LSM engine is still a stub: " + e.getMessage());
    }
    service = new LocalKeyValueService(engine, versions::incrementAndGet, now::get, Runnable::run);
  }

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Optional<StoredValue> get(String key) {
    return service.get(b(key), Consistency.QUORUM).toCompletableFuture().join();
  }

  @Test
  void putGetDeleteWithVersionsFromTheSource() {
    assertThat(get("k")).isEmpty();
    long v1 = service.put(b("k"), b("one"), 0, Consistency.ONE).toCompletableFuture().join();
    assertThat(v1).isEqualTo(101);
    assertThat(get("k")).contains(new StoredValue(b("one"), 0, 101));
    long v2 = service.delete(b("k"), Consistency.ALL).toCompletableFuture().join();
    assertThat(v2).isEqualTo(102);
    assertThat(get("k")).isEmpty();
  }

  @Test
  void expiredValuesAreInvisible() {
    service.put(b("k"), b("v"), now.get() + 1000, Consistency.QUORUM).toCompletableFuture().join();
    assertThat(get("k")).map(StoredValue::expiresAtMillis).contains(now.get() + 1000);
    now.addAndGet(999);
    assertThat(get("k")).isPresent();
    now.addAndGet(1);
    assertThat(get("k")).isEmpty();
    assertThat(scanAll(3)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 7, 2024})
  void scanPagesMatchAModel(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TreeMap<String, String> model = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      String k = "k" + random.nextInt(120);
      if (random.nextInt(4) == 0) {
        service.delete(b(k), Consistency.QUORUM).toCompletableFuture().join();
        model.remove(k);
      } else {
        service.put(b(k), b("v" + i), 0, Consistency.QUORUM).toCompletableFuture().join();
        model.put(k, "v" + i);
      }
    }
    int limit = 1 + random.nextInt(20);
    assertThat(scanAll(limit))
        .as("seed %d, limit %d", seed, limit)
        .isEqualTo(new ArrayList<>(model.keySet()));
  }

  private List<String> scanAll(int limit) {
    List<String> keys = new ArrayList<>();
    byte[] after = null;
    for (int pages = 0; pages < 10_000; pages++) {
      ScanPage page = service.scan(after, limit, Consistency.QUORUM).toCompletableFuture().join();
      assertThat(page.keys().size()).isLessThanOrEqualTo(limit);
      page.keys().forEach(k -> keys.add(new String(k, StandardCharsets.UTF_8)));
      if (page.complete()) {
        return keys;
      }
      after = page.resumeAfter();
    }
    throw new AssertionError("scan did not end");
  }

  @Test
  void scanLimitIsChecked() {
    assertThatThrownBy(() -> service.scan(null, 0, Consistency.ONE))
        .hasMessage("limit: 0 (expected: 1.." + LocalKeyValueService.SCAN_LIMIT_MAX + ")");
  }

  @Test
  void sizeEstimateCountsWrites() {
    for (int i = 0; i < 10; i++) {
      service.put(b("k" + i), b("v"), 0, Consistency.ONE).toCompletableFuture().join();
    }
    assertThat(service.sizeEstimate().toCompletableFuture().join()).isBetween(10L, 20L);
  }

  @Test
  void fullExecutorIsOverloadNotACrash() {
    LocalKeyValueService rejecting =
        new LocalKeyValueService(
            engine,
            versions::incrementAndGet,
            now::get,
            r -> {
              throw new RejectedExecutionException("queue full (capacity: 1)");
            });
    assertThatThrownBy(() -> rejecting.get(b("k"), Consistency.ONE).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(OverloadedException.class)
        .hasMessageContaining("storage executor is full: queue full (capacity: 1)");
  }

  @Test
  void storageErrorsFailTheStage() {
    engine.close();
    assertThatThrownBy(() -> get("k")).isInstanceOf(CompletionException.class);
    engine = null;
  }

  @Test
  void consistencyQuorumArithmetic() {
    assertThat(Consistency.ONE.required(3)).isEqualTo(1);
    assertThat(Consistency.QUORUM.required(3)).isEqualTo(2);
    assertThat(Consistency.QUORUM.required(4)).isEqualTo(3);
    assertThat(Consistency.ALL.required(3)).isEqualTo(3);
    assertThat(Consistency.QUORUM.required(1)).isEqualTo(1);
    assertThat(Consistency.parse("quorum")).isEqualTo(Consistency.QUORUM);
    assertThat(Consistency.parse("most")).isNull();
  }
}
