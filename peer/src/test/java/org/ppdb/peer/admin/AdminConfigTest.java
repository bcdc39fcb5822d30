package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AdminConfigTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void defaultsListenOnLoopbackWithTheDocumentedLimits() {
    AdminConfig config = AdminConfig.defaults();
    assertThat(config.bindAddress().isLoopbackAddress()).isTrue();
    assertThat(config.port()).isEqualTo(AdminConfig.PORT_DEFAULT);
    assertThat(config.requestBytesMax()).isEqualTo(8 * 1024);
    assertThat(config.uriBytesMax()).isEqualTo(2 * 1024);
    assertThat(config.connectionsMax()).isEqualTo(16);
    assertThat(config.withBind(LOOPBACK, 0).port()).isZero();
    assertThat(config.withConnectionsMax(3).connectionsMax()).isEqualTo(3);
  }

  @Test
  void outOfRangeValuesAreRefusedWithTheRange() {
    assertThatThrownBy(() -> new AdminConfig(LOOPBACK, 65536, 0, 64, 64, 1_000_000, 1))
        .hasMessage("port: 65536 (expected: 0-65535)");
    assertThatThrownBy(() -> new AdminConfig(LOOPBACK, 0, -1, 64, 64, 1_000_000, 1))
        .hasMessage("requestBytesMax: -1 (expected: 0-1048576)");
    assertThatThrownBy(() -> new AdminConfig(LOOPBACK, 0, 0, 4, 64, 1_000_000, 1))
        .hasMessage("uriBytesMax: 4 (expected: 8-1048576)");
    assertThatThrownBy(() -> new AdminConfig(LOOPBACK, 0, 0, 64, 1 << 21, 1_000_000, 1))
        .hasMessage("headerBytesMax: 2097152 (expected: 64-1048576)");
    assertThatThrownBy(() -> new AdminConfig(LOOPBACK, 0, 0, 64, 64, 999_999, 1))
        .hasMessage("idleTimeoutNanos: 999999 (expected: >= 1000000)");
    assertThatThrownBy(() -> new AdminConfig(LOOPBACK, 0, 0, 64, 64, 1_000_000, 0))
        .hasMessage("connectionsMax: 0 (expected: 1-4096)");
  }

  @Test
  void healthReportsAreBoundedAndImmutable() {
    TreeMap<String, String> details = new TreeMap<>();
    details.put("b", "2");
    details.put("a", "1");
    HealthReport report = new HealthReport(true, "ok", details);
    details.put("c", "3");
    assertThat(report.details()).containsOnlyKeys("a", "b");
    assertThatThrownBy(() -> report.details().put("d", "4"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> HealthReport.up("x".repeat(HealthReport.SUMMARY_CHARS_MAX + 1)))
        .hasMessage("summary: 257 characters (expected: <= 256)");
    TreeMap<String, String> many = new TreeMap<>();
    for (int i = 0; i <= HealthReport.DETAILS_MAX; i++) {
      many.put("k" + i, "v");
    }
    assertThatThrownBy(() -> new HealthReport(false, "", many))
        .hasMessage("details: 33 (expected: <= 32)");
  }
}
