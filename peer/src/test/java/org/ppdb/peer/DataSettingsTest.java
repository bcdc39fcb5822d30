package org.ppdb.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.ppdb.storage.Compression;
import org.ppdb.storage.SyncPolicy;

class DataSettingsTest {

  @Test
  void sizesTakeBinaryUnits() {
    assertThat(DataSettings.parseSize("4096")).isEqualTo(4096);
    assertThat(DataSettings.parseSize("64MiB")).isEqualTo(64L << 20);
    assertThat(DataSettings.parseSize("64mb")).isEqualTo(64L << 20);
    assertThat(DataSettings.parseSize("2 GiB")).isEqualTo(2L << 30);
    assertThat(DataSettings.parseSize("1.5g")).isEqualTo(3L << 29);
    assertThatThrownBy(() -> DataSettings.parseSize("lots")).hasMessageContaining("size");
    assertThatThrownBy(() -> DataSettings.parseSize("5 parsecs")).hasMessageContaining("unit");
  }

  @Test
  void enginesAndSyncPoliciesParseByName() {
    assertThat(DataSettings.StorageKind.parse("Memory")).isEqualTo(DataSettings.StorageKind.MEMORY);
    assertThat(DataSettings.StorageKind.parse("lsm")).isEqualTo(DataSettings.StorageKind.LSM);
    assertThatThrownBy(() -> DataSettings.StorageKind.parse("btree"))
        .hasMessageContaining("lsm or memory");
    assertThat(DataSettings.WalSync.parse("ALWAYS")).isEqualTo(DataSettings.WalSync.ALWAYS);
    assertThatThrownBy(() -> DataSettings.WalSync.parse("sometimes"))
        .hasMessageContaining("always, periodic or never");
    assertThat(DataSettings.parseCompression("LZ4")).isEqualTo(Compression.LZ4);
    assertThat(DataSettings.parseCompression(" none")).isEqualTo(Compression.NONE);
    assertThatThrownBy(() -> DataSettings.parseCompression("zstd"))
        .hasMessageContaining("none or lz4");
  }

  @Test
  void defaultsAreDocumentedOnes() {
    DataSettings defaults = DataSettings.defaults();
    assertThat(defaults.replicationFactor()).isEqualTo(3);
    assertThat(defaults.tokens()).isEqualTo(32);
    assertThat(defaults.clientPort()).isEqualTo(6379);
    assertThat(defaults.storage()).isEqualTo(DataSettings.StorageKind.LSM);
    assertThat(defaults.syncPolicy()).isEqualTo(SyncPolicy.everyMillis(1_000));
    assertThat(defaults.compression()).isEqualTo(Compression.NONE);
    assertThat(defaults.memtableBytes()).isEqualTo(16L << 20);
  }

  /** The defaults with the four ranged numbers given. */
  private static DataSettings settings(
      int replicationFactor, int tokens, long maxMemoryBytes, long memtableBytes) {
    DataSettings d = DataSettings.defaults();
    return new DataSettings(
        replicationFactor,
        tokens,
        d.consistency(),
        d.storage(),
        maxMemoryBytes,
        d.walSync(),
        d.walSyncPeriodMillis(),
        d.compression(),
        memtableBytes,
        d.clientBind(),
        d.clientPort(),
        d.requirePass());
  }

  @Test
  void outOfRangeValuesAreRefusedByName() {
    DataSettings d = DataSettings.defaults();
    long memory = d.maxMemoryBytes();
    long memtable = d.memtableBytes();
    assertThat(settings(3, 32, memory, memtable)).isEqualTo(d);
    assertThatThrownBy(() -> settings(0, 32, memory, memtable))
        .hasMessageContaining("replicationFactor");
    assertThatThrownBy(() -> settings(3, 64, memory, memtable)).hasMessageContaining("tokens");
    assertThatThrownBy(() -> settings(3, 32, 10, memtable)).hasMessageContaining("maxMemoryBytes");
    assertThatThrownBy(() -> settings(3, 32, memory, 2L << 30))
        .hasMessageContaining("memtableBytes: 2147483648 (expected: 1048576..1073741824)");
  }
}
