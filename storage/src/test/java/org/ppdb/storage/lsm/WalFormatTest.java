package org.ppdb.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.SyncPolicy;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.fs.StorageFileSystem;
import org.ppdb.storage.fs.WritableFile;
import org.ppdb.storage.wal.LogWriter;

/** The log records the engine writes (docs/formats/wal.md, version 2) and those it still reads. */
class WalFormatTest {
  @TempDir Path dir;

  private static LsmOptions options() {
    return LsmOptions.builder()
        .syncPolicy(SyncPolicy.never())
        .executor(Runnable::run)
        .clock(new ManualClock(1000))
        .build();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The live (highest-numbered) log segment of {@code dir}. */
  private static Path liveSegment(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".wal"))
          .max(Path::compareTo)
          .orElseThrow();
    }
  }

  @Test
  void aSegmentStartsWithItsHeaderAndAPutCostsTheBytesItNeeds() throws Exception {
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      db.put(b("k"), b("v"), 7);
    }
    byte[] log = Files.readAllBytes(liveSegment(dir));
    String hex = HexFormat.of().formatHex(log);
    // Header record: 7-byte fragment header, "ppdbWAL2".
    assertThat(hex.substring(8, 14)).isEqualTo("000801");
    assertThat(hex.substring(14, 30)).isEqualTo("7070646257414c32");
    // The put's record: sequence 1, time 1000, then header 0x09 (put, 1 version byte), key, version
    // 7, value.
    assertThat(hex.substring(38, 44)).isEqualTo("000901");
    assertThat(hex.substring(44)).isEqualTo("01" + "e807" + "09" + "016b" + "07" + "0176");
    assertThat(log.length).isEqualTo(15 + 7 + 9);
  }

  @Test
  void versionOneSegmentsAreStillReplayed() throws Exception {
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      db.put(b("before"), b("x"), 1);
    }
    // Replace the live segment with one written by format version 1: no header record, fixed
    // sequence and time, 8-byte versions.
    Path segment = liveSegment(dir);
    long number = Long.parseLong(segment.getFileName().toString().replace(".wal", ""));
    byte[] payload =
        HexFormat.of()
            .parseHex(
                "0000000000000005" // first sequence 5
                    + "00000000000003e8" // time 1000
                    + "01" // put
                    + "016b" // key "k"
                    + "0000000000000007" // version 7
                    + "0176" // value "v"
                    + "00" // tombstone
                    + "0164" // key "d"
                    + "0000000000000009"); // version 9
    StorageFileSystem fs = StorageFileSystem.local();
    fs.delete(segment);
    try (WritableFile f = fs.create(segment)) {
      LogWriter w = new LogWriter(f, number);
      w.add(payload, 0, payload.length);
      w.sync();
    }
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
      assertThat(db.getRecord(b("d")).version()).isEqualTo(9);
      assertThat(db.get(b("d"))).isNull();
      // Written after the replay: a version-2 segment, readable at the next open.
      db.put(b("after"), b("y"), Coding.getLong(payload, 0));
    }
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
      assertThat(db.get(b("after"))).isEqualTo(b("y"));
    }
  }
}
