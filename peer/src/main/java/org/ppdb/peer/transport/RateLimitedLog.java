package org.ppdb.peer.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Logs rejected network input at WARN at most once per interval, with the number of rejections
 * suppressed since the last line, so a flood of garbage cannot flood the log. Thread-safe.
 */
final class RateLimitedLog {
  private final Logger logger;
  private final LongSupplier nanoClock;
  private final long intervalNanos;
  private final AtomicLong nextNanos;
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger logger, LongSupplier nanoClock, long intervalNanos) {
    this.logger = logger;
    this.nanoClock = nanoClock;
    this.intervalNanos = intervalNanos;
    this.nextNanos = new AtomicLong(nanoClock.getAsLong());
  }

  void reject(Supplier<String> messageSupplier) {
    long now = nanoClock.getAsLong();
    long next = nextNanos.get();
    if (now - next >= 0 && nextNanos.compareAndSet(next, now + intervalNanos)) {
      String message = messageSupplier.get();
      long skipped = suppressed.getAndSet(0);
      if (skipped > 0) {
        logger.warn("{} (and {} more rejections since the last report)", message, skipped);
      } else {
        logger.warn(message);
      }
    } else {
      suppressed.incrementAndGet();
      if (logger.isDebugEnabled()) {
        logger.debug(messageSupplier.get());
      }
    }
  }
}
