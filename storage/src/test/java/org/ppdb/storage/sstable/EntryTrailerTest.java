package org.ppdb.storage.sstable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.Compression;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.fs.FaultInjectingFileSystem;
import org.ppdb.storage.fs.WritableFile;
import org.ppdb.storage.memtable.RecordHolder;

class EntryTrailerTest {
  private static final long[] VERSIONS = {
    0, 1, 255, 256, 65_535, 1L << 24, (1L << 56) - 1, 1L << 56, Long.MAX_VALUE, -1, Long.MIN_VALUE
  };
  private static final long[] SEQUENCES = {0, 1, 127, 128, 1L << 35, InternalKeys.SEQ_MAX};

  private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem().syncIsNoop(true);
  private final Path dir = Path.of("/mem/trailer");

  @Test
  void trailersTakeTheBytesTheirFieldsNeed() {
    byte[] out = new byte[EntryTrailer.BYTES_MAX];
    assertThat(EntryTrailer.encode(out, 0, InternalKeys.seqKind(0, InternalKeys.KIND_PUT)))
        .isEqualTo(1);
    assertThat(EntryTrailer.encode(out, 10_000_000, InternalKeys.seqKind(0, 1))).isEqualTo(4);
    assertThat(EntryTrailer.encode(out, 10_000_000, InternalKeys.seqKind(10_000_000, 1)))
        .isEqualTo(8);
    assertThat(EntryTrailer.encode(out, -1, InternalKeys.seqKind(InternalKeys.SEQ_MAX, 2)))
        .isEqualTo(EntryTrailer.BYTES_MAX);
  }

  @Test
  void everyVersionSequenceAndKindRoundTrips() throws Exception {
    fs.createDirectories(dir);
    for (boolean mapped : new boolean[] {false, true}) {
      Path path = dir.resolve(mapped + ".sst");
      List<String> expected = new ArrayList<>();
      try (WritableFile f = fs.create(path)) {
        SstableWriter w = new SstableWriter(f, 7, 256, 4, 10, Compression.NONE);
        int i = 0;
        for (long version : VERSIONS) {
          for (long seq : SEQUENCES) {
            for (int kind = 0; kind <= InternalKeys.KIND_PUT_EXPIRING; kind++) {
              // One user key per record, so any version and sequence order is a valid table.
              byte[] key = String.format("k%05d", i++).getBytes(StandardCharsets.US_ASCII);
              byte[] value = kind == InternalKeys.KIND_TOMBSTONE ? new byte[0] : key;
              long aux = kind == InternalKeys.KIND_PUT ? 0 : 1_000 + i;
              w.add(
                  key,
                  key.length,
                  version,
                  InternalKeys.seqKind(seq, kind),
                  aux,
                  value,
                  0,
                  value.length);
              expected.add(describe(key, key.length, version, seq, kind, aux));
            }
          }
        }
        w.finish();
      }
      fs.mapReads(mapped);
      Table t = Table.open(fs, path, 7, -1, BlockStore.NONE);
      List<String> actual = new ArrayList<>();
      try (InternalIterator it = t.iterator(true)) {
        it.seek(null);
        while (it.valid()) {
          actual.add(
              describe(
                  it.keyBuffer(),
                  it.keyLength(),
                  it.version(),
                  InternalKeys.seq(it.seqKind()),
                  InternalKeys.kind(it.seqKind()),
                  it.aux()));
          it.advance();
        }
      }
      assertThat(actual).as("mapped=" + mapped).isEqualTo(expected);
      t.release();
    }
  }

  @Test
  void versionOneTablesAreStillRead() throws Exception {
    // A table written by format version 1 (16-byte trailers): put("a", "x"), version 1, seq 3.
    byte[] v1 = HexFormat.of().parseHex(VERSION_ONE_TABLE);
    fs.createDirectories(dir);
    Path path = dir.resolve("000012.sst");
    try (WritableFile f = fs.create(path)) {
      f.append(v1, 0, v1.length);
    }
    Table t = Table.open(fs, path, 12, v1.length, BlockStore.NONE);
    RecordHolder h = new RecordHolder();
    t.get(new byte[] {'a'}, InternalKeys.SEQ_MAX, h);
    assertThat(h.found()).isTrue();
    assertThat(h.version()).isEqualTo(1);
    assertThat(t.verify()[0]).isEqualTo(3);
    t.release();
  }

  @Test
  void aDamagedEntryDecodesOrFailsAsCorruptionNeverOtherwise() throws Exception {
    // Every single-byte change of an entry's trailer or lengths either reads back as a record
    // that differs only where the byte changed, or fails as corruption: never an exception of
    // another kind (the block checksum is bypassed by reading the block directly).
    SplittableRandom rnd = new SplittableRandom(20261121);
    BlockBuilder b = new BlockBuilder(4);
    byte[] trailer = new byte[EntryTrailer.BYTES_MAX];
    for (int i = 0; i < 8; i++) {
      byte[] key = ("key" + i).getBytes(StandardCharsets.US_ASCII);
      int n = EntryTrailer.encode(trailer, i * 1000L, InternalKeys.seqKind(i * 77L, 1));
      b.addWithTrailer(key, key.length, trailer, n, null, 0, key, 0, key.length);
    }
    byte[] block = b.finish();
    int length = b.finishedSize();
    for (int trial = 0; trial < 2_000; trial++) {
      byte[] damaged = block.clone();
      int at = rnd.nextInt(length - 8);
      damaged[at] = (byte) rnd.nextInt(256);
      try {
        BlockIterator it = new BlockIterator();
        it.reset(new Block(damaged, length, Path.of("t"), false, true));
        for (it.first(); it.valid(); it.next()) {
          assertThat(it.userKeyLength()).as("seed=20261121 trial=" + trial).isNotNegative();
        }
      } catch (org.ppdb.storage.CorruptionException expected) {
        // detected
      }
    }
  }

  private static String describe(
      byte[] key, int length, long version, long seq, int kind, long aux) {
    return new String(key, 0, length, StandardCharsets.US_ASCII)
        + " v"
        + version
        + " s"
        + seq
        + " k"
        + kind
        + " a"
        + aux;
  }

  private static final String VERSION_ONE_TABLE =
      "00110161000000000000000100000000000003017800000000000000010087b4ed9100000001070000000000000000"
          + "0010000000000000000000008000000400000000000000000000200000000000000000000000010008000000"
          + "0000000000000040000000000035e141c7001102610000000000000001000000000000030100"
          + "1d00000000"
          + "000000010"
          + "01f12260b000000000000002200000045000000000000006c0000001e000000000000000c00000001a4bcfa48"
          + "7070646253535431";
}
