package org.ppdb.bench.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Keys, absent keys and values of the storage benchmark. */
class KeySpaceTest {
  private final KeySpace keys = new KeySpace(1_000, 100, 1);

  @Test
  void keysAreSixteenBytesInIndexOrderWithAbsentKeysBetween() {
    assertThat(keys.key(42)).hasSize(16).isEqualTo("0000000000000420".getBytes());
    assertThat(keys.missingKey(42)).isEqualTo("0000000000000421".getBytes());
    assertThat(Arrays.compareUnsigned(keys.key(42), keys.missingKey(42))).isNegative();
    assertThat(Arrays.compareUnsigned(keys.missingKey(42), keys.key(43))).isNegative();
    assertThat(KeySpace.indexOf(keys.key(987_654_321_012_345L))).isEqualTo(987_654_321_012_345L);
  }

  @Test
  void valuesHaveTheirSizeAndDiffer() {
    assertThat(keys.value(0)).hasSize(100);
    assertThat(keys.value(0)).isNotEqualTo(keys.value(1));
    assertThat(keys.value(5)).isEqualTo(keys.value(5));
  }

  @Test
  void shuffledIndexesArePermutationsReproducibleFromTheSeed() {
    int[] order = keys.shuffledIndexes(new SplittableRandom(9));
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertThat(sorted[i]).isEqualTo(i);
    }
    assertThat(order).isEqualTo(keys.shuffledIndexes(new SplittableRandom(9)));
    assertThat(order).isNotEqualTo(sorted);
  }

  @Test
  void procFieldsParseWithTheirUnit() {
    List<String> status = List.of("Name:\tjava", "VmHWM:\t  204800 kB", "VmRSS:\t  102400 kB");
    assertThat(ProcessCounters.parse(status, "VmHWM:", 1024)).isEqualTo(204_800L * 1024);
    assertThat(ProcessCounters.parse(List.of("write_bytes: 4096"), "write_bytes:", 1))
        .isEqualTo(4096);
    assertThat(ProcessCounters.parse(status, "Missing:", 1)).isEqualTo(-1);
  }

  @Test
  void workloadsHaveDbBenchNamesAndShapes() {
    StorageSettings settings =
        new StorageSettings(
            1000,
            500,
            100,
            10,
            1000,
            16,
            16,
            100,
            1 << 20,
            1 << 20,
            10,
            4096,
            "lz4",
            "lsm",
            1L << 30,
            1,
            Workload.labels(),
            10,
            10);
    assertThat(Workload.labels())
        .containsExactly(
            "fillseq",
            "fillrandom",
            "overwrite",
            "readrandom",
            "readrandom-2t",
            "readmissing",
            "seekrandom",
            "readseq",
            "deleterandom",
            "fillsync");
    assertThat(Workload.READRANDOM_2T.threads(settings)).isEqualTo(2);
    assertThat(Workload.FILLSYNC.threads(settings)).isEqualTo(16);
    assertThat(Workload.FILLSYNC.syncEveryWrite()).isTrue();
    assertThat(Workload.OVERWRITE.operations(settings)).isEqualTo(500);
    assertThat(Workload.READSEQ.operations(settings)).isEqualTo(1000);
    assertThat(Workload.SEEKRANDOM.operations(settings)).isEqualTo(100);
  }
}
