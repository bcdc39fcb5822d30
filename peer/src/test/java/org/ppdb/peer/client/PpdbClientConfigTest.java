package org.ppdb.peer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.api.Consistency;

class PpdbClientConfigTest {
  private static final List<InetSocketAddress> SEEDS =
      List.of(new InetSocketAddress("127.0.0.1", 6379));

  @Test
  void defaultsAreDocumented() {
    PpdbClientConfig c = PpdbClientConfig.builder().seeds(SEEDS).build();
    assertThat(c.consistency()).isEqualTo(Consistency.QUORUM);
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.connectionsPerPeer()).isEqualTo(2);
    assertThat(c.requestsInFlightPerConnectionMax()).isEqualTo(128);
    assertThat(c.password()).isNull();
    assertThat(c.toString()).contains("password=none");
    assertThat(PpdbClientConfig.builder().seeds(SEEDS).password("x").build().toString())
        .contains("password=set")
        .doesNotContain("=x");
  }

  @Test
  void outOfRangeSettingsNameThemselves() {
    assertThatThrownBy(() -> PpdbClientConfig.builder().build())
        .hasMessage("seeds: 0 (expected: 1..64)");
    assertThatThrownBy(
            () -> PpdbClientConfig.builder().seeds(SEEDS).requestTimeout(Duration.ZERO).build())
        .hasMessage("requestTimeout: PT0S (expected: > 0 and <= PT1H)");
    assertThatThrownBy(() -> PpdbClientConfig.builder().seeds(SEEDS).connectionsPerPeer(0).build())
        .hasMessage("connectionsPerPeer: 0 (expected: 1..64)");
    assertThatThrownBy(
            () ->
                PpdbClientConfig.builder().seeds(SEEDS).requestsInFlightPerConnectionMax(0).build())
        .hasMessage("requestsInFlightPerConnectionMax: 0 (expected: 1..65536)");
    assertThatThrownBy(
            () ->
                PpdbClientConfig.builder()
                    .seeds(SEEDS)
                    .reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
                    .build())
        .hasMessage("reconnectBackoffMax: PT1S (expected: >= reconnectBackoffMin PT2S)");
    assertThatThrownBy(() -> PpdbClientConfig.builder().seeds(SEEDS).consistency(null).build())
        .hasMessageContaining("consistency");
    assertThatThrownBy(
            () ->
                PpdbClientConfig.builder()
                    .seeds(List.of(InetSocketAddress.createUnresolved("h", 0)))
                    .build())
        .hasMessageContaining("port > 0");
  }
}
