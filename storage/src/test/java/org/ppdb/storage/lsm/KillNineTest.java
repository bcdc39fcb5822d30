package org.ppdb.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.SyncPolicy;

/**
 * A child JVM ({@link CrashWriter}) writes with sync=always and is killed with SIGKILL at a random
 * moment; after each kill the parent reopens the directory and checks that every acknowledged write
 * is present, that at most the one write in flight beyond it appeared (batches all or nothing), and
 * that nothing else did. Real files, real process death.
 */
class KillNineTest {
  @TempDir Path dir;

  static byte[] key(long i) {
    return String.format("key%09d", i).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] shadowKey(long i) {
    return String.format("shadow%09d", i).getBytes(StandardCharsets.US_ASCII);
  }

  /** The number in the last complete {@code ACK n} line of {@code file}, or {@code none}. */
  static long lastAck(Path file, long none) throws java.io.IOException {
    String s = Files.readString(file, StandardCharsets.US_ASCII);
    int end = s.lastIndexOf('\n');
    while (end > 0) {
      int start = s.lastIndexOf('\n', end - 1) + 1;
      if (s.startsWith("ACK ", start)) {
        return Long.parseLong(s.substring(start + 4, end));
      }
      end = start - 1;
    }
    return none;
  }

  static byte[] value(long i) {
    return ("value-" + i + "-" + "p".repeat((int) (i % 50))).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void acknowledgedWritesSurviveKillNine() throws Exception {
    run(Long.getLong("ppdb.seed", 9), 3);
  }

  @Test
  @Tag("slow")
  void acknowledgedWritesSurviveHundredsOfKillNines() throws Exception {
    run(19, 120);
  }

  private void run(long seed, int cycles) throws Exception {
    SplittableRandom rnd = new SplittableRandom(seed);
    Path db = dir.resolve("db");
    long next = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      String where = "seed=" + seed + " cycle=" + cycle;
      String java = ProcessHandle.current().info().command().orElse("java");
      // The child's acknowledgements go to a file, not a pipe: the kernel keeps what a killed
      // process wrote to a file, while a pipe read by a thread of ours could lose its last lines
      // when the JDK drains the pipe of an exited process (seen as phantom keys: writes past the
      // last acknowledgement read).
      Path acks = dir.resolve("acks-" + cycle + ".txt");
      Process p =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashWriter.class.getName(),
                  db.toString(),
                  Long.toString(next))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectOutput(acks.toFile())
              .start();
      long target = next + 200 + rnd.nextInt(3000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lastAck(acks, next - 1) < target && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(p.isAlive()).as("%s: child died by itself", where).isTrue();
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s: child killed", where).isTrue();
      long acked = lastAck(acks, next - 1);
      LsmOptions options = LsmOptions.builder().syncPolicy(SyncPolicy.always()).build();
      try (StorageEngine engine = LsmStorage.open(db, options)) {
        for (long i = 0; i <= acked; i++) {
          assertThat(engine.get(key(i)))
              .as("%s acknowledged key %d (last ack %d)", where, i, acked)
              .isEqualTo(value(i));
          if (i % 5 == 0) {
            assertThat(engine.get(shadowKey(i)))
                .as("%s batch half %d", where, i)
                .isEqualTo(value(i));
          }
        }
        long inFlight = acked + 1;
        byte[] got = engine.get(key(inFlight));
        if (got != null) {
          assertThat(got).as(where).isEqualTo(value(inFlight));
          if (inFlight % 5 == 0) {
            assertThat(engine.get(shadowKey(inFlight)))
                .as("%s batch atomicity", where)
                .isEqualTo(value(inFlight));
          }
        } else if (inFlight % 5 == 0) {
          assertThat(engine.get(shadowKey(inFlight))).as("%s batch atomicity", where).isNull();
        }
        for (long i = inFlight + 1; i < inFlight + 50; i++) {
          assertThat(engine.get(key(i))).as("%s phantom key %d", where, i).isNull();
        }
        next = got != null ? inFlight + 1 : inFlight;
      }
    }
  }
}
