package org.ppdb.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.CorruptionException;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.StorageException;
import org.ppdb.storage.SyncPolicy;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.fs.FaultInjectingFileSystem;

/**
 * Corruption campaign. A database with tables in several levels, a multi-block WAL tail and a
 * manifest is damaged in one place per trial: a single bit flip, overwritten bytes, a zeroed 4 KiB
 * sector, truncation, or a misplaced block (bytes copied from another position or another file of
 * the same kind), in the WAL, a table's data, index, filter or footer, or the manifest. Then it is
 * reopened, every key is read, the whole range is scanned, and {@code verify()} runs.
 *
 * <p>Required: no read ever returns a wrong value, and every trial is detected: a {@link
 * CorruptionException} naming the damaged file, or (WAL only) a clean truncation of the log at the
 * damage (later records missing, earlier ones intact). A damaged last manifest edit that reads as a
 * torn tail is dropped like an unsynced edit; it is counted apart and must leave a consistent
 * state. The counts per category are printed.
 */
class CorruptionTest {
  enum Target {
    WAL,
    SST_DATA,
    SST_INDEX,
    SST_FILTER,
    SST_FOOTER,
    MANIFEST
  }

  enum Damage {
    BIT_FLIP,
    OVERWRITE,
    ZERO_SECTOR,
    TRUNCATE,
    MISPLACED
  }

  enum Outcome {
    ERROR_NAMING_FILE,
    WAL_TAIL_TRUNCATED,
    MANIFEST_TAIL_EDIT_DROPPED,
    UNDETECTED
  }

  private static final Path DIR = Path.of("/corrupt/db");
  private static final int KEYS = 4500;

  @Test
  void everyDamageIsDetectedAndNoWrongValueIsReturned() throws Exception {
    campaign(Long.getLong("ppdb.seed", 11), Integer.getInteger("ppdb.trials", 12));
  }

  @Test
  @Tag("slow")
  void everyDamageIsDetectedLongCampaign() throws Exception {
    campaign(99, 200);
  }

  private static LsmOptions options(FaultInjectingFileSystem fs) {
    return LsmOptions.builder()
        .memtableBytes(256 << 10)
        .tableFileBytes(64 << 10)
        .levelBaseBytes(1 << 20)
        .level0CompactionTrigger(4)
        .blockBytes(1024)
        .syncPolicy(SyncPolicy.never())
        .executor(Runnable::run)
        .clock(new ManualClock(0))
        .fileSystem(fs)
        .build();
  }

  static byte[] key(int i) {
    return String.format("key%06d", i).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] value(int i, int version) {
    String s = "value-" + i + "-" + version + "-";
    return (s + s.repeat(i % 7)).getBytes(StandardCharsets.US_ASCII);
  }

  /** Builds the pristine database; returns its files. */
  private static Map<String, byte[]> build() throws IOException {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem().syncIsNoop(true);
    try (StorageEngine db = LsmStorage.open(DIR, options(fs))) {
      for (int i = 0; i < KEYS; i++) {
        db.put(key(i), value(i, 1), 1);
      }
      db.compactRange(null, null);
      for (int i = 0; i < KEYS; i += 3) {
        db.put(key(i), value(i, 2), 2);
      }
      db.flush();
      // A WAL tail of several 32 KiB blocks, never flushed.
      for (int i = 1; i < KEYS; i += 3) {
        db.put(key(i), value(i, 3), 3);
      }
    }
    Map<String, byte[]> files = new TreeMap<>();
    for (String name : fs.list(DIR)) {
      files.put(name, fs.contents(DIR.resolve(name)));
    }
    return files;
  }

  private void campaign(long seed, int trialsPerCell) throws Exception {
    Map<String, byte[]> pristine = build();
    assertThat(pristine.keySet().stream().filter(n -> n.endsWith(".sst")).count()).isGreaterThan(2);
    RandomGenerator rnd = new SplittableRandom(seed);
    Map<String, int[]> counts = new LinkedHashMap<>();
    for (Target target : Target.values()) {
      for (Damage damage : Damage.values()) {
        int[] c = new int[Outcome.values().length];
        counts.put(target + "/" + damage, c);
        for (int t = 0; t < trialsPerCell; t++) {
          String where = "seed=" + seed + " " + target + "/" + damage + " trial=" + t;
          // Odd trials read tables through mapped views (the local file system's path), even ones
          // with pread through the block cache.
          boolean mapped = t % 2 == 1;
          Outcome o =
              trial(pristine, target, damage, rnd, where + (mapped ? " mapped" : ""), mapped);
          c[o.ordinal()]++;
        }
      }
    }
    StringBuilder table = new StringBuilder("corruption trials (seed " + seed + "):\n");
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      table.append(String.format("  %-24s", e.getKey()));
      for (Outcome o : Outcome.values()) {
        table.append(String.format(" %s=%d", o, e.getValue()[o.ordinal()]));
      }
      table.append('\n');
    }
    System.out.print(table);
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      assertThat(e.getValue()[Outcome.UNDETECTED.ordinal()])
          .as("%s\n%s", e.getKey(), table)
          .isZero();
    }
  }

  private Outcome trial(
      Map<String, byte[]> pristine,
      Target target,
      Damage damage,
      RandomGenerator rnd,
      String where,
      boolean mapped)
      throws IOException {
    FaultInjectingFileSystem fs = new FaultInjectingFileSystem().syncIsNoop(true).mapReads(mapped);
    fs.createDirectories(DIR);
    for (Map.Entry<String, byte[]> e : pristine.entrySet()) {
      try (var f = fs.create(DIR.resolve(e.getKey()))) {
        f.append(e.getValue(), 0, e.getValue().length);
      }
    }
    List<String> candidates = new ArrayList<>();
    for (String name : pristine.keySet()) {
      boolean match =
          switch (target) {
            case WAL -> name.endsWith(".wal") && pristine.get(name).length > 0;
            case MANIFEST -> name.startsWith("MANIFEST-");
            default -> name.endsWith(".sst");
          };
      if (match) {
        candidates.add(name);
      }
    }
    assertThat(candidates).as(where).isNotEmpty();
    String victim = candidates.get(rnd.nextInt(candidates.size()));
    byte[] original = pristine.get(victim);
    int[] region = region(target, original);
    byte[] damaged = damage(damage, original, region, rnd, pristine, victim, target);
    if (Arrays.equals(damaged, original)) {
      damaged = original.clone();
      damaged[region[0]] ^= 1;
    }
    fs.replaceContents(DIR.resolve(victim), damaged);
    return check(fs, victim, target, where);
  }

  /** [start, end) of the targeted region in a pristine file. */
  private static int[] region(Target target, byte[] f) {
    int n = f.length;
    if (target == Target.WAL || target == Target.MANIFEST) {
      return new int[] {0, n};
    }
    int footer = n - 48;
    long filterOffset = Coding.getLong(f, footer);
    int filterSize = Coding.getInt(f, footer + 8);
    long indexOffset = Coding.getLong(f, footer + 12);
    int indexSize = Coding.getInt(f, footer + 20);
    return switch (target) {
      case SST_DATA -> new int[] {0, (int) filterOffset};
      case SST_FILTER -> new int[] {(int) filterOffset, (int) filterOffset + filterSize + 5};
      case SST_INDEX -> new int[] {(int) indexOffset, (int) indexOffset + indexSize + 5};
      case SST_FOOTER -> new int[] {footer, n};
      default -> throw new IllegalArgumentException();
    };
  }

  private static byte[] damage(
      Damage damage,
      byte[] original,
      int[] region,
      RandomGenerator rnd,
      Map<String, byte[]> pristine,
      String victim,
      Target target) {
    byte[] b = original.clone();
    int lo = region[0];
    int len = region[1] - region[0];
    int at = lo + rnd.nextInt(len);
    switch (damage) {
      case BIT_FLIP -> b[at] ^= (byte) (1 << rnd.nextInt(8));
      case OVERWRITE -> {
        int n = 1 + rnd.nextInt(Math.min(16, region[1] - at));
        for (int i = 0; i < n; i++) {
          b[at + i] = (byte) rnd.nextInt(256);
        }
      }
      case ZERO_SECTOR -> {
        int start = at - at % 4096;
        Arrays.fill(b, start, Math.min(b.length, start + 4096), (byte) 0);
      }
      case TRUNCATE -> {
        return Arrays.copyOf(b, at);
      }
      case MISPLACED -> {
        // A block-sized run of bytes from elsewhere: the same offset of another file of the same
        // kind
        // (a misdirected write), or another offset of the same file.
        int size = target == Target.WAL || target == Target.MANIFEST ? 32 * 1024 : 1024;
        List<String> others = new ArrayList<>();
        for (String name : pristine.keySet()) {
          if (!name.equals(victim)
              && name.substring(name.indexOf('.') + 1)
                  .equals(victim.substring(victim.indexOf('.') + 1))) {
            others.add(name);
          }
        }
        byte[] source;
        int from;
        if (!others.isEmpty() && rnd.nextBoolean()) {
          source = pristine.get(others.get(rnd.nextInt(others.size())));
          from = Math.min(at, Math.max(0, source.length - 1));
        } else {
          source = original;
          from = rnd.nextInt(original.length);
        }
        int n = Math.min(size, Math.min(source.length - from, b.length - at));
        System.arraycopy(source, from, b, at, Math.max(0, n));
      }
      default -> throw new IllegalArgumentException();
    }
    return b;
  }

  private Outcome check(FaultInjectingFileSystem fs, String victim, Target target, String where) {
    Path victimPath = DIR.resolve(victim);
    boolean missing = false;
    try (StorageEngine db = LsmStorage.open(DIR, options(fs))) {
      for (int i = 0; i < KEYS; i++) {
        int expectedVersion = i % 3 == 0 ? 2 : i % 3 == 1 ? 3 : 1;
        byte[] got = db.get(key(i));
        if (got == null) {
          missing = true;
          continue;
        }
        // A value from an older version is acceptable only if the newer record was in a truncated
        // WAL tail; any other difference is a wrong value.
        boolean ok = Arrays.equals(got, value(i, expectedVersion));
        boolean truncatedWal =
            target == Target.WAL && expectedVersion == 3 && Arrays.equals(got, value(i, 1));
        assertThat(ok || truncatedWal).as("%s: wrong value for key %d", where, i).isTrue();
        missing |= truncatedWal;
      }
      try (Snapshot s = db.snapshot();
          Cursor c = s.scan(null, null, Direction.FORWARD)) {
        while (c.next()) {
          int i = Integer.parseInt(new String(c.key(), StandardCharsets.US_ASCII).substring(3));
          assertThat(i).as(where).isBetween(0, KEYS - 1);
          byte[] v = c.value();
          assertThat(
                  Arrays.equals(v, value(i, 1))
                      || Arrays.equals(v, value(i, 2))
                      || Arrays.equals(v, value(i, 3)))
              .as("%s: wrong scanned value for key %d", where, i)
              .isTrue();
        }
      }
      db.verify();
    } catch (CorruptionException e) {
      assertThat(e.file()).as("%s: %s", where, e.getMessage()).isNotNull();
      assertThat(e.file().getFileName().toString())
          .as("%s: error names %s", where, e.getMessage())
          .isIn(victim, "CURRENT");
      return Outcome.ERROR_NAMING_FILE;
    } catch (StorageException e) {
      throw new AssertionError(where + ": unexpected error type", e);
    }
    if (target == Target.WAL && missing) {
      return Outcome.WAL_TAIL_TRUNCATED;
    }
    if (target == Target.MANIFEST) {
      return Outcome.MANIFEST_TAIL_EDIT_DROPPED;
    }
    System.out.println(where + ": undetected damage in " + victimPath);
    return Outcome.UNDETECTED;
  }
}
