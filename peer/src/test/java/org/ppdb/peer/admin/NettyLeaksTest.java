package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The leak check the other tests rely on must itself be able to fail: an object tracked and never
 * closed is reported once it is collected and the detector next tracks something, which is what
 * {@link NettyLeaks#reported()} provokes.
 *
 * <p>The deliberate leak goes through a private detector whose reports stay in this test; a leak of
 * a real buffer would reach Netty's shared log and fail the leak checks of unrelated test classes
 * in the same JVM.
 */
class NettyLeaksTest {

  private static final class Leaked {}

  @Test
  void anUnclosedTrackedObjectIsReportedAfterCollection() throws Exception {
    NettyLeaks.enable();
    List<String> reports = new ArrayList<>();
    ResourceLeakDetector<Leaked> detector =
        new ResourceLeakDetector<>(Leaked.class, 1) {
          @Override
          protected void reportTracedLeak(String resourceType, String records) {
            reports.add("LEAK: " + resourceType);
          }

          @Override
          protected void reportUntracedLeak(String resourceType) {
            reports.add("LEAK: " + resourceType);
          }
        };
    trackAndForget(detector);
    for (int round = 0; round < 20 && reports.isEmpty(); round++) {
      System.gc();
      Thread.sleep(20);
      Leaked probe = new Leaked();
      ResourceLeakTracker<Leaked> tracker = detector.track(probe);
      tracker.close(probe);
    }
    assertThat(reports)
        .containsExactly(
            "LEAK: " + io.netty.util.internal.StringUtil.simpleClassName(Leaked.class));
    assertThat(NettyLeaks.reported()).as("the shared detector saw no leak").isEmpty();
  }

  private static void trackAndForget(ResourceLeakDetector<Leaked> detector) {
    detector.track(new Leaked()); // never closed, on purpose
  }
}
