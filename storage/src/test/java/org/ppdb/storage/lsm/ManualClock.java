package org.ppdb.storage.lsm;

import java.util.concurrent.atomic.AtomicLong;
import org.ppdb.storage.StorageClock;

/** A clock the test moves by hand; both readings advance together. */
final class ManualClock implements StorageClock {
  private final AtomicLong millis;

  ManualClock(long startMillis) {
    millis = new AtomicLong(startMillis);
  }

  void advance(long deltaMillis) {
    millis.addAndGet(deltaMillis);
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
