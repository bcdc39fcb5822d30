package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Paranoid Netty leak detection that fails tests: every buffer is tracked, and a leak report (which
 * Netty only logs) is counted so that {@link #assertNone()} can fail the test. Leak reports arrive
 * after a garbage collection, so a leak may be attributed to a later test of the same JVM; it fails
 * either way. If Netty's buffers were initialised before {@link #install()} ran (another test class
 * of the JVM got there first), only Netty's log reports leaks.
 */
public final class NettyLeaks {
  private static final AtomicInteger LEAKS = new AtomicInteger();
  private static final List<String> REPORTS = new ArrayList<>();
  private static boolean installed;

  private NettyLeaks() {}

  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    System.setProperty("io.netty.leakDetection.level", "paranoid");
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
        new ResourceLeakDetectorFactory() {
          @Override
          @SuppressWarnings("deprecation")
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval, long maxActive) {
            return new ResourceLeakDetector<T>(resource, samplingInterval, maxActive) {
              @Override
              protected void reportTracedLeak(String resourceType, String records) {
                record(resourceType + ": " + records);
                super.reportTracedLeak(resourceType, records);
              }

              @Override
              protected void reportUntracedLeak(String resourceType) {
                record(resourceType);
                super.reportUntracedLeak(resourceType);
              }
            };
          }
        });
  }

  private static synchronized void record(String report) {
    LEAKS.incrementAndGet();
    if (REPORTS.size() < 5) {
      REPORTS.add(report);
    }
  }

  /** Collects garbage, lets the detectors report, and fails if any buffer leaked so far. */
  public static void assertNone() {
    for (int round = 0; round < 2; round++) {
      System.gc();
      // Leaks are reported when a new buffer is tracked.
      for (int i = 0; i < 8; i++) {
        ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
        probe.release();
      }
    }
    synchronized (NettyLeaks.class) {
      assertThat(LEAKS.get()).as("Netty buffer leaks: %s", REPORTS).isZero();
    }
  }
}
