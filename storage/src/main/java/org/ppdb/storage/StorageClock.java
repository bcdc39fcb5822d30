package org.ppdb.storage;

/**
 * The time source of an engine, injected so that tests and the simulator control it. Wall time
 * (epoch milliseconds) decides whether an entry has expired and whether a tombstone is old enough
 * to purge; the monotonic ticker (nanoseconds) measures durations (stall time, cache ages, sync
 * intervals).
 *
 * <p>Implementations must be thread-safe and cheap: the engine reads them on hot paths.
 */
public interface StorageClock {
  /** Current wall time in milliseconds since the epoch. */
  long epochMillis();

  /** Monotonic nanoseconds from an arbitrary origin (like {@link System#nanoTime()}). */
  long nanoTime();

  /** The real clocks of this JVM. */
  static StorageClock system() {
    return SystemClock.INSTANCE;
  }

  /** The system clock; a separate type so that it is the only place that reads real time. */
  enum SystemClock implements StorageClock {
    INSTANCE;

    @Override
    public long epochMillis() {
      return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }
  }
}
