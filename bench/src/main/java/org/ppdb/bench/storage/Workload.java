package org.ppdb.bench.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * The storage workloads, named and shaped after LevelDB's and RocksDB's {@code db_bench}. They run
 * in the order listed here; a workload that reads or overwrites uses the database the last fill
 * left.
 *
 * <ul>
 *   <li>{@code fillseq}: {@code num} puts in key order into a fresh database.
 *   <li>{@code fillrandom}: {@code num} puts of every key once, in a random order, into a fresh
 *       database (a seeded shuffle, so every later read finds its key).
 *   <li>{@code overwrite}: {@code reads} puts of uniformly random existing keys.
 *   <li>{@code readrandom}, {@code readrandom-2t}: {@code reads} gets of uniformly random existing
 *       keys from one thread, then split over two threads.
 *   <li>{@code readmissing}: {@code reads} gets of absent keys that sort between existing ones.
 *   <li>{@code seekrandom}: {@code seeks} times, a new iterator seeks a random key and reads it and
 *       the next {@code seekNexts} entries.
 *   <li>{@code readseq}: one iterator reads the whole database in order; ops are entries.
 *   <li>{@code deleterandom}: {@code reads} deletes of uniformly random keys.
 *   <li>{@code fillsync}: {@code syncOps} puts of random keys into a fresh database from {@code
 *       syncThreads} threads, each put synced to disk before it returns (group commit may share
 *       syncs between threads).
 * </ul>
 */
public enum Workload {
  FILLSEQ("fillseq", Kind.WRITE, true, false),
  FILLRANDOM("fillrandom", Kind.WRITE, true, false),
  OVERWRITE("overwrite", Kind.WRITE, false, false),
  READRANDOM("readrandom", Kind.READ, false, false),
  READRANDOM_2T("readrandom-2t", Kind.READ, false, false),
  READMISSING("readmissing", Kind.READ, false, false),
  SEEKRANDOM("seekrandom", Kind.READ, false, false),
  READSEQ("readseq", Kind.READ, false, false),
  DELETERANDOM("deleterandom", Kind.WRITE, false, false),
  FILLSYNC("fillsync", Kind.WRITE, true, true);

  enum Kind {
    READ,
    WRITE
  }

  private final String label;
  private final Kind kind;
  private final boolean freshDatabase;
  private final boolean syncEveryWrite;

  Workload(String label, Kind kind, boolean freshDatabase, boolean syncEveryWrite) {
    this.label = label;
    this.kind = kind;
    this.freshDatabase = freshDatabase;
    this.syncEveryWrite = syncEveryWrite;
  }

  /** The db_bench-style name, e.g. {@code readrandom-2t}. */
  public String label() {
    return label;
  }

  public boolean writes() {
    return kind == Kind.WRITE;
  }

  /** Whether the workload starts from an empty database rather than the one the last fill left. */
  public boolean freshDatabase() {
    return freshDatabase;
  }

  /** Whether every write is synced to disk before it returns. */
  public boolean syncEveryWrite() {
    return syncEveryWrite;
  }

  /**
   * Whether each operation's latency is recorded (not for readseq, whose ops are iterator steps).
   */
  public boolean recordsLatency() {
    return this != READSEQ;
  }

  /** Whether write amplification is reported: the workloads that put new values. */
  public boolean reportsWriteAmplification() {
    return this == FILLSEQ || this == FILLRANDOM || this == OVERWRITE || this == FILLSYNC;
  }

  /** Whether space amplification is reported: after a workload that leaves every key live. */
  public boolean reportsSpaceAmplification() {
    return this == FILLSEQ || this == FILLRANDOM || this == OVERWRITE;
  }

  /** Threads the workload runs on. */
  public int threads(StorageSettings settings) {
    switch (this) {
      case READRANDOM_2T:
        return 2;
      case FILLSYNC:
        return settings.syncThreads();
      default:
        return 1;
    }
  }

  /** Operations the workload performs (for readseq, the entries it is expected to read). */
  public long operations(StorageSettings settings) {
    switch (this) {
      case FILLSEQ:
      case FILLRANDOM:
      case READSEQ:
        return settings.num();
      case SEEKRANDOM:
        return settings.seeks();
      case FILLSYNC:
        return settings.syncOps();
      default:
        return settings.reads();
    }
  }

  /** The workload named {@code name}, or an error that lists the names. */
  public static Workload byName(String name) {
    for (Workload workload : values()) {
      if (workload.label.equals(name)) {
        return workload;
      }
    }
    throw new IllegalArgumentException(
        "workload: " + name + " (expected one of: " + String.join(", ", labels()) + ")");
  }

  /** Every workload's name, in run order. */
  public static List<String> labels() {
    List<String> labels = new ArrayList<>();
    for (Workload workload : values()) {
      labels.add(workload.label);
    }
    return labels;
  }
}
