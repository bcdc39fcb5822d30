package org.ppdb.storage.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.Compression;
import org.ppdb.storage.WriteBatch;
import org.ppdb.storage.fs.FaultInjectingFileSystem;
import org.ppdb.storage.fs.WritableFile;
import org.ppdb.storage.manifest.FileMeta;
import org.ppdb.storage.manifest.VersionEdit;
import org.ppdb.storage.sstable.SstableWriter;
import org.ppdb.storage.wal.LogWriter;

/**
 * Pins the stored formats byte for byte (docs/formats/*.md quote these examples). A change here is
 * a format change: bump the format version and write a migration, do not just update the hex.
 */
class GoldenBytesTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void storedKindsAndTagsAreFrozen() {
    assertThat(WriteBatch.KIND_TOMBSTONE).isEqualTo((byte) 0);
    assertThat(WriteBatch.KIND_PUT).isEqualTo((byte) 1);
    assertThat(WriteBatch.KIND_PUT_EXPIRING).isEqualTo((byte) 2);
    assertThat(InternalKeys.KIND_TOMBSTONE).isEqualTo(WriteBatch.KIND_TOMBSTONE);
    assertThat(InternalKeys.KIND_PUT).isEqualTo(WriteBatch.KIND_PUT);
    assertThat(InternalKeys.KIND_PUT_EXPIRING).isEqualTo(WriteBatch.KIND_PUT_EXPIRING);
    assertThat(Compression.NONE.id()).isZero();
    assertThat(Compression.LZ4.id()).isEqualTo(1);
  }

  @Test
  void walRecordOfOnePut() throws Exception {
    WriteBatch batch = new WriteBatch().put(ascii("k"), ascii("v"), 7);
    byte[] payload = new byte[20 + batch.byteSize()];
    int p = Coding.putVarlong(payload, 0, 5);
    p = Coding.putVarlong(payload, p, 1000);
    System.arraycopy(batch.encodedArray(), 0, payload, p, batch.byteSize());
    payload = java.util.Arrays.copyOf(payload, p + batch.byteSize());
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem().syncIsNoop(true);
    Path dir = Path.of("/golden");
    fs.createDirectories(dir);
    try (WritableFile f = fs.create(dir.resolve("000009.wal"))) {
      new LogWriter(f, 9).add(payload, 0, payload.length);
    }
    assertThat(HEX.formatHex(fs.contents(dir.resolve("000009.wal"))))
        .isEqualTo("2065d6a2" + "0009" + "01" + "05" + "e807" + "09" + "016b" + "07" + "0176");
  }

  @Test
  void manifestEditOfOneNewFile() {
    VersionEdit e =
        new VersionEdit()
            .logNumber(8)
            .nextFileNumber(9)
            .lastSequence(40)
            .add(0, new FileMeta(7, 4096, ascii("a"), ascii("m"), 1, 40, 99, 40));
    assertThat(HEX.formatHex(e.encode()))
        .isEqualTo(
            "0108"
                + "0209"
                + "0328"
                + "05"
                + "00"
                + "07"
                + "8020"
                + "0161"
                + "016d"
                + "01"
                + "28"
                + "0000000000000063"
                + "28");
  }

  @Test
  void tableWithOneRecord() throws Exception {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem().syncIsNoop(true);
    Path dir = Path.of("/golden");
    fs.createDirectories(dir);
    try (WritableFile f = fs.create(dir.resolve("000012.sst"))) {
      SstableWriter w = new SstableWriter(f, 12, 4096, 16, 10, Compression.NONE);
      byte[] v = ascii("x");
      w.add(ascii("a"), 1, 1, InternalKeys.seqKind(3, InternalKeys.KIND_PUT), 0, v, 0, 1);
      w.finish();
    }
    String hex = HEX.formatHex(fs.contents(dir.resolve("000012.sst")));
    assertThat(hex)
        .startsWith("000101" + "61" + "0d" + "01" + "03" + "78" + "00000000" + "00000001" + "00");
    assertThat(hex).endsWith("7070646253535431");
    assertThat(hex.length() / 2).isEqualTo(GOLDEN_TABLE.length() / 2);
    assertThat(hex).isEqualTo(GOLDEN_TABLE);
  }

  private static final String GOLDEN_TABLE =
      "000101610d0103780000000000000001" // data block: one entry, restarts [0], count 1
          + "00f7521e12" // its trailer
          + "00000001070000000000000000001000000000000000000000800000040000000000000000000020"
          + "0000000000000000000000010008000000000000000000004000000000" // filter block
          + "00d1c86c9d" // its trailer
          + "001102610000000000000001000000000000030100100000000000000001" // index block
          + "00cf2d5ef4" // its trailer
          + "000000000000001500000045000000000000005f0000001e"
          + "000000000000000c000000027728f1eb7070646253535431"; // footer
}
