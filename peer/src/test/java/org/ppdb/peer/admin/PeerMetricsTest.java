package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.discovery.LanDiscovery;

class PeerMetricsTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PeerMetrics metrics = new PeerMetrics(registry);

  private String scrape() {
    return registry.scrape(AdminPipeline.PROMETHEUS_TEXT);
  }

  @Test
  void everyMeterOfTheIssueAppearsUnderItsPrometheusName() {
    AtomicInteger alive = new AtomicInteger(4);
    metrics.bindMembersByState(s -> s == MemberState.ALIVE ? alive.get() : s.ordinal());
    metrics.onSuspicion();
    metrics.onSuspicion();
    metrics.onRefutation();
    PeerMetrics.MessageMeters ping = metrics.messageType("ping");
    ping.sent(100);
    ping.sent(20);
    ping.received(50);
    metrics.droppedCounter("queue_full").increment();
    metrics.rejected("bad_seal");
    metrics.rejected("bad_seal");
    AtomicInteger depth = new AtomicInteger(3);
    metrics.bindQueue("inbound", depth::get, 1024);
    metrics.bindDiscovery("mdns", LanDiscovery.disabled());
    alive.set(5);
    depth.set(7);

    assertThat(scrape())
        .contains("ppdb_members{state=\"alive\"} 5.0")
        .contains("ppdb_members{state=\"suspect\"} 1.0")
        .contains("ppdb_members{state=\"dead\"} 2.0")
        .contains("ppdb_members{state=\"left\"} 3.0")
        .contains("ppdb_suspicions_total 2.0")
        .contains("ppdb_refutations_total 1.0")
        .contains("ppdb_messages_sent_total{type=\"ping\"} 2.0")
        .contains("ppdb_messages_received_total{type=\"ping\"} 1.0")
        .contains("ppdb_traffic_sent_bytes_total{type=\"ping\"} 120.0")
        .contains("ppdb_traffic_received_bytes_total{type=\"ping\"} 50.0")
        .contains("ppdb_messages_dropped_total{reason=\"queue_full\"} 1.0")
        .contains("ppdb_messages_rejected_total{reason=\"bad_seal\"} 2.0")
        .contains("ppdb_queue_depth{queue=\"inbound\"} 7.0")
        .contains("ppdb_queue_capacity{queue=\"inbound\"} 1024.0")
        .contains("ppdb_discovery_announcements_total{outcome=\"malformed\",source=\"mdns\"} 0.0");
  }

  @Test
  void theSameTypeGivesTheSameMeters() {
    metrics.messageType("ack").sent(1);
    metrics.messageType("ack").sent(1);
    assertThat(scrape()).contains("ppdb_messages_sent_total{type=\"ack\"} 2.0");
    assertThat(metrics.rejectedCounter("x")).isSameAs(metrics.rejectedCounter("x"));
  }

  @Test
  void tagValuesAreCheckedAndTheirNumberBounded() {
    assertThatThrownBy(() -> metrics.messageType("Ping"))
        .hasMessage("type: 'Ping' (expected: 1-32 characters of [a-z0-9_])");
    assertThatThrownBy(() -> metrics.dropped("")).hasMessageStartingWith("reason: ''");
    assertThatThrownBy(() -> metrics.rejected("x".repeat(33))).hasMessageStartingWith("reason:");
    for (int i = 0; i < PeerMetrics.TAG_VALUES_MAX + 10; i++) {
      metrics.messageType("t" + i).sent(1);
    }
    String text = scrape();
    long series = text.lines().filter(l -> l.startsWith("ppdb_messages_sent_total{")).count();
    assertThat(series).isEqualTo(PeerMetrics.TAG_VALUES_MAX);
    assertThat(text).contains("ppdb_messages_sent_total{type=\"other\"} 11.0");
  }

  @Test
  void bindingTwiceIsRefused() {
    metrics.bindMembersByState(s -> 0);
    assertThatThrownBy(() -> metrics.bindMembersByState(s -> 0))
        .isInstanceOf(IllegalStateException.class);
    metrics.bindQueue("inbound", () -> 0, 1);
    assertThatThrownBy(() -> metrics.bindQueue("inbound", () -> 0, 1))
        .hasMessage("queue 'inbound': already bound");
    assertThatThrownBy(() -> metrics.bindQueue("outbound", () -> 0, 0))
        .hasMessage("capacity: 0 (expected: > 0)");
  }
}
