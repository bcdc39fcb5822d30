package org.ppdb.storage.memory;

import java.util.concurrent.atomic.AtomicLong;
import org.ppdb.storage.StorageClock;

/** A clock that moves only when a test advances it; wall time and ticker move together. */
final class ManualClock implements StorageClock {
  private final AtomicLong millis;

  ManualClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  void advanceMillis(long delta) {
    millis.addAndGet(delta);
  }

  @Override
  public long epochMillis() {
    return millis.get();
  }

  @Override
  public long nanoTime() {
    return millis.get() * 1_000_000L;
  }
}
