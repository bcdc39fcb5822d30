package org.ppdb.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
              .start();
      AtomicLong lastAck = new AtomicLong(next - 1);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                      lastAck.set(Long.parseLong(line.substring(4)));
                    }
                  }
                } catch (java.io.IOException e) {
                  // The child died: its pipe closes.
                }
              });
      reader.start();
      long target = next + 200 + rnd.nextInt(3000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lastAck.get() < target && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(p.isAlive()).as("%s: child died by itself", where).isTrue();
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      reader.join(10_000);
      long acked = lastAck.get();
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
