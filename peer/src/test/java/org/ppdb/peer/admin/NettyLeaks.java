package org.ppdb.peer.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Netty's leak detector at paranoid level for the tests of this package, with its reports captured
 * so that a test can fail on them instead of leaving them in a log nobody reads.
 *
 * <p>Netty reports a leak only when a tracked buffer it finds unreachable was never released, and
 * only when it next tracks a buffer; {@link #reported()} therefore collects garbage and allocates a
 * few tracked buffers before it reads the reports.
 */
final class NettyLeaks {

  private static final ListAppender<ILoggingEvent> REPORTS = new ListAppender<>();

  static {
    System.setProperty("io.netty.leakDetection.level", "paranoid");
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    Logger logger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    logger.setLevel(Level.ERROR);
    REPORTS.start();
    logger.addAppender(REPORTS);
  }

  private NettyLeaks() {}

  /** Switches paranoid leak detection on (idempotent; the work is in the static initializer). */
  static void enable() {
    if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
      throw new IllegalStateException("leak detection level: " + ResourceLeakDetector.getLevel());
    }
  }

  /** The leak reports so far, after giving the detector a chance to find unreleased buffers. */
  static List<String> reported() throws InterruptedException {
    for (int round = 0; round < 5; round++) {
      System.gc();
      Thread.sleep(20);
      for (int i = 0; i < 64; i++) {
        ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
        probe.release();
      }
    }
    synchronized (REPORTS.list) {
      return REPORTS.list.stream()
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("LEAK"))
          .toList();
    }
  }
}
