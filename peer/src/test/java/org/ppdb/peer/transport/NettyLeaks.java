package org.ppdb.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Netty's leak detector at PARANOID (every buffer tracked), with its reports captured so a test can
 * fail on them. Call {@link #enable} in {@code @BeforeAll} and {@link #assertNoLeaks} at the end of
 * a test.
 */
final class NettyLeaks {
  private static final ListAppender<ILoggingEvent> REPORTS = new ListAppender<>();

  private NettyLeaks() {}

  static synchronized void enable() {
    System.setProperty("io.netty.leakDetection.level", "paranoid");
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    if (!REPORTS.isStarted()) {
      REPORTS.start();
      detector.addAppender(REPORTS);
    }
    // Netty's DEBUG chatter drowns the test output; leak reports are ERROR and still captured.
    ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.INFO);
    ((Logger) LoggerFactory.getLogger("org.ppdb.peer.transport")).setLevel(Level.INFO);
    ((Logger) LoggerFactory.getLogger("test")).setLevel(Level.INFO);
  }

  /** Collects garbage, makes the detector look at its queue, and fails on any leak report. */
  static void assertNoLeaks() throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(50);
      // The detector reports collected-but-unreleased buffers when the next buffer is tracked.
      for (int i = 0; i < 64; i++) {
        ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
        ByteBuf c = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
        a.release();
        b.release();
        c.release();
      }
    }
    List<String> leaks;
    synchronized (REPORTS.list) {
      leaks =
          REPORTS.list.stream()
              .map(ILoggingEvent::getFormattedMessage)
              .filter(m -> m.contains("LEAK"))
              .collect(Collectors.toList());
    }
    assertThat(leaks).as("Netty leak reports").isEmpty();
  }
}
