package org.ppdb.storage.sstable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.storage.Compression;
import org.ppdb.storage.CorruptionException;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.fs.ReadableFile;
import org.ppdb.storage.fs.StorageFileSystem;
import org.ppdb.storage.fs.WritableFile;
import org.ppdb.storage.memtable.RecordHolder;

/**
 * Tables read through the local file system's memory mapping: point reads find what was written, a
 * block's checksum is checked on its first read through the mapping, and {@link Table#verify()}
 * checks every block again even after reads have marked it verified.
 */
class MappedTableTest {
  private static final int KEYS = 3000;
  private static final long FILE_NUMBER = 7;

  @TempDir Path dir;

  private Path writeTable(long seed) throws Exception {
    SplittableRandom rnd = new SplittableRandom(seed);
    Path path = dir.resolve("000007.sst");
    try (WritableFile f = StorageFileSystem.local().create(path)) {
      SstableWriter w = new SstableWriter(f, FILE_NUMBER, 1024, 16, 10, Compression.NONE);
      for (int i = 0; i < KEYS; i++) {
        byte[] key = key(i);
        byte[] value = new byte[20 + rnd.nextInt(80)];
        rnd.nextBytes(value);
        Coding.putInt(value, 0, i);
        w.add(
            key,
            key.length,
            1,
            InternalKeys.seqKind(i + 1L, InternalKeys.KIND_PUT),
            0,
            value,
            0,
            value.length);
      }
      w.finish();
    }
    return path;
  }

  private static byte[] key(int i) {
    return String.format("key%08d", i).getBytes(StandardCharsets.US_ASCII);
  }

  private static RecordHolder get(Table t, int i) {
    RecordHolder h = new RecordHolder();
    byte[] k = key(i);
    if (t.mayContain(BloomFilter.hash(k, 0, k.length))) {
      t.get(k, Long.MAX_VALUE >>> 8, h);
    }
    return h;
  }

  /** Offset of the first data block's first entry value byte: inside the data region. */
  private static long dataOffset(Path path) throws Exception {
    return Files.size(path) / 3;
  }

  private static void flipByte(Path path, long at) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x40);
    }
  }

  @Test
  void pointReadsThroughTheMappingFindEveryKey() throws Exception {
    long seed = 5;
    Path path = writeTable(seed);
    Table t = Table.open(StorageFileSystem.local(), path, FILE_NUMBER, -1, BlockStore.NONE);
    try {
      for (int i = 0; i < KEYS; i++) {
        RecordHolder h = get(t, i);
        assertThat(h.found()).as("seed=%d key %d", seed, i).isTrue();
        assertThat(Coding.getInt(h.toRecord().value(), 0))
            .as("seed=%d key %d", seed, i)
            .isEqualTo(i);
      }
      assertThat(get(t, KEYS + 1).found()).isFalse();
    } finally {
      t.release();
    }
  }

  @Test
  void damagedBlockIsDetectedOnItsFirstMappedRead() throws Exception {
    Path path = writeTable(6);
    flipByte(path, dataOffset(path));
    Table t = Table.open(StorageFileSystem.local(), path, FILE_NUMBER, -1, BlockStore.NONE);
    try {
      int errors = 0;
      for (int i = 0; i < KEYS; i++) {
        try {
          RecordHolder h = get(t, i);
          assertThat(h.found()).as("key %d", i).isTrue();
          assertThat(Coding.getInt(h.toRecord().value(), 0)).as("key %d", i).isEqualTo(i);
        } catch (CorruptionException e) {
          assertThat(e.file()).isEqualTo(path);
          errors++;
        }
      }
      // Every key of the damaged block fails, each time it is read: nothing marks it verified.
      assertThat(errors).isGreaterThan(0);
    } finally {
      t.release();
    }
  }

  @Test
  void verifyRechecksBlocksThatReadsAlreadyVerified() throws Exception {
    Path path = writeTable(7);
    Table t = Table.open(StorageFileSystem.local(), path, FILE_NUMBER, -1, BlockStore.NONE);
    try {
      for (int i = 0; i < KEYS; i++) {
        assertThat(get(t, i).found()).isTrue();
      }
      // The mapping is shared with the file: damage written now is what the next read sees.
      flipByte(path, dataOffset(path));
      assertThatThrownBy(t::verify)
          .isInstanceOf(CorruptionException.class)
          .hasMessageContaining("checksum");
    } finally {
      t.release();
    }
  }

  @Test
  void onlyTheMappingFileSystemOffersAViewAndOnlyWhileOpen() throws Exception {
    Path path = writeTable(8);
    try (ReadableFile f = StorageFileSystem.localWithoutMapping().openRead(path)) {
      assertThat(f.mapped()).isNull();
    }
    ReadableFile mapped = StorageFileSystem.local().openRead(path);
    assertThat(mapped.mapped().capacity()).isEqualTo(Files.size(path));
    mapped.close();
    assertThatThrownBy(mapped::mapped).isInstanceOf(java.io.IOException.class);
    Table t =
        Table.open(StorageFileSystem.localWithoutMapping(), path, FILE_NUMBER, -1, BlockStore.NONE);
    try {
      for (int i = 0; i < KEYS; i++) {
        assertThat(get(t, i).found()).as("key %d", i).isTrue();
      }
    } finally {
      t.release();
    }
  }
}
