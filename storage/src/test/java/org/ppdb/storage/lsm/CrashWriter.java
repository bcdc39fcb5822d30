package org.ppdb.storage.lsm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.SyncPolicy;
import org.ppdb.storage.WriteBatch;

/**
 * Child process of {@link KillNineTest}: writes key {@code i} = value {@code i} for i = start,
 * start+1, ... with sync=always (every fifth write as a two-key batch) and prints {@code ACK i}
 * after each acknowledged write, until killed.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long start = Long.parseLong(args[1]);
    LsmOptions options =
        LsmOptions.builder()
            .memtableBytes(256 << 10)
            .tableFileBytes(256 << 10)
            .levelBaseBytes(1 << 20)
            .syncPolicy(SyncPolicy.always())
            .build();
    try (StorageEngine db = LsmStorage.open(dir, options)) {
      System.out.println("OPEN");
      System.out.flush();
      for (long i = start; ; i++) {
        if (i % 5 == 0) {
          db.write(
              new WriteBatch()
                  .put(KillNineTest.key(i), KillNineTest.value(i), i)
                  .put(KillNineTest.shadowKey(i), KillNineTest.value(i), i));
        } else {
          db.put(KillNineTest.key(i), KillNineTest.value(i), i);
        }
        System.out.println("ACK " + i);
        System.out.flush();
      }
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
