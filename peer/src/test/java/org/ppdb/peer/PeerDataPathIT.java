package org.ppdb.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.peer.admin.AdminClient;
import org.ppdb.peer.client.PpdbClient;
import org.ppdb.peer.client.PpdbClientConfig;
import org.ppdb.peer.discovery.SeedAddress;
import org.ppdb.peer.resp.TopologyEntry;

/**
 * Two in-process peers on loopback replicating every key (N = 3 over two members, QUORUM = both):
 * each request's own-replica part runs on the client's event loop ahead of the coordinator, and the
 * other replica's part on its transport's event loop, as /metrics counts.
 */
class PeerDataPathIT {

  private static final int KEYS = 20;

  private static PeerConfig config(Path dir, List<SeedAddress> seeds) {
    return TestPeerConfigs.inMemory("data-path-it", dir, seeds);
  }

  /** The value of counter {@code name} (no labels) in a Prometheus scrape, or -1. */
  private static double counter(Peer peer, String name) throws Exception {
    String metrics =
        new AdminClient(peer.adminAddress(), Duration.ofSeconds(5)).get("/metrics").body();
    Matcher m =
        Pattern.compile("^" + name + "(?:\\{[^}]*})? ([0-9.eE+]+)$", Pattern.MULTILINE)
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static double sum(List<Peer> peers, String name) throws Exception {
    double total = 0;
    for (Peer peer : peers) {
      total += counter(peer, name);
    }
    return total;
  }

  @Test
  void eachReplicasPartOfAReadOrWriteRunsOnAnEventLoop(@TempDir Path dir) throws Exception {
    try (Peer a = Peer.start(config(dir.resolve("a"), List.of()), failure -> {})) {
      SeedAddress seed = new SeedAddress("127.0.0.1", a.advertised().getPort());
      try (Peer b = Peer.start(config(dir.resolve("b"), List.of(seed)), failure -> {});
          PpdbClient client =
              PpdbClient.connect(
                  PpdbClientConfig.builder()
                      .seeds(List.of(a.clientAddress(), b.clientAddress()))
                      .requestTimeout(Duration.ofSeconds(15))
                      .build())) {
        List<Peer> peers = List.of(a, b);
        await("both peers serve the ring")
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () -> {
                  // Each peer's own view of the ring: both serving.
                  for (Peer peer : peers) {
                    try (PpdbClient one =
                        PpdbClient.connect(
                            PpdbClientConfig.builder()
                                .seeds(List.of(peer.clientAddress()))
                                .requestTimeout(Duration.ofSeconds(5))
                                .build())) {
                      long serving =
                          one.topology().stream()
                              .filter(e -> e.state().equals(TopologyEntry.STATE_NORMAL))
                              .count();
                      if (serving != 2) {
                        return false;
                      }
                    }
                  }
                  client.put("probe", "x");
                  return client.get("probe").isPresent();
                });
        double inlineBefore = sum(peers, "ppdb_data_replica_inline_total");
        double aheadBefore = sum(peers, "ppdb_data_local_ahead_total");

        for (int i = 0; i < KEYS; i++) {
          client.put("key-" + i, "value-" + i);
        }
        for (int i = 0; i < KEYS; i++) {
          assertThat(client.get("key-" + i)).contains("value-" + i);
        }

        // Every write and every read involves both replicas: the coordinator's own part ahead on
        // its client event loop, the other's on its transport event loop.
        assertThat(sum(peers, "ppdb_data_replica_inline_total") - inlineBefore)
            .as("replica writes and reads served on the transport loop")
            .isGreaterThanOrEqualTo(2 * KEYS);
        assertThat(sum(peers, "ppdb_data_local_ahead_total") - aheadBefore)
            .as("own-replica writes and reads done ahead of the coordinator")
            .isGreaterThanOrEqualTo(2 * KEYS);
      }
    }
  }
}
