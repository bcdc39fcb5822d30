package org.ppdb.storage;

/**
 * When the write-ahead log is forced to stable storage.
 *
 * <ul>
 *   <li>{@link #always()}: every write returns only after its log record is synced (group commit
 *       shares one sync among concurrent writers). No acknowledged write is lost at a power
 *       failure. Cost: one fsync per group (~155 us here).
 *   <li>{@link #everyMillis(long)}: the first write group committed after the interval has elapsed
 *       syncs the log (so a power failure loses at most about one interval of acknowledged writes
 *       while writes keep coming; an idle engine's last writes stay unsynced until the next write,
 *       flush or close).
 *   <li>{@link #never()}: the engine syncs only on flush, close and segment switches; a process
 *       crash loses nothing (the OS holds the bytes), a power failure may lose recent writes.
 * </ul>
 *
 * @param mode the policy
 * @param intervalMillis for {@link Mode#INTERVAL}, the interval in milliseconds (> 0); else 0
 */
public record SyncPolicy(Mode mode, long intervalMillis) {
  /** The kinds of policy. */
  public enum Mode {
    ALWAYS,
    INTERVAL,
    NEVER
  }

  public SyncPolicy {
    if (mode == null) {
      throw new NullPointerException("mode");
    }
    if (mode == Mode.INTERVAL ? intervalMillis <= 0 : intervalMillis != 0) {
      throw new IllegalArgumentException(
          "intervalMillis: " + intervalMillis + " (expected: > 0 for INTERVAL, else 0)");
    }
  }

  /** Sync before acknowledging each write (group commit). */
  public static SyncPolicy always() {
    return new SyncPolicy(Mode.ALWAYS, 0);
  }

  /** Sync in the background every {@code intervalMillis}. */
  public static SyncPolicy everyMillis(long intervalMillis) {
    return new SyncPolicy(Mode.INTERVAL, intervalMillis);
  }

  /** Never sync on writes. */
  public static SyncPolicy never() {
    return new SyncPolicy(Mode.NEVER, 0);
  }
}
