package org.ppdb.bench.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.client.PpdbClient;
import org.ppdb.peer.client.PpdbClientConfig;

/**
 * ppdb's Java client ({@link PpdbClient}): token-aware, so each request goes to a replica of its
 * key, which coordinates it at the configured consistency (QUORUM by default: 2 of N = 3). Seeded
 * with every peer's client address. Thread-safe (the client is).
 */
final class PpdbTarget implements KeyValueTarget {
  private final PpdbClient client;
  private final int peers;

  private PpdbTarget(PpdbClient client, int peers) {
    this.client = client;
    this.peers = peers;
  }

  /** Connects through {@code seeds} at {@code consistency}. */
  static PpdbTarget connect(
      List<InetSocketAddress> seeds, Consistency consistency, Duration requestTimeout) {
    PpdbClient client =
        PpdbClient.connect(
            PpdbClientConfig.builder()
                .seeds(seeds)
                .consistency(consistency)
                .requestTimeout(requestTimeout)
                .build());
    return new PpdbTarget(client, seeds.size());
  }

  @Override
  public void put(byte[] key, byte[] value) {
    client.put(key, value);
  }

  @Override
  public byte[] get(byte[] key) {
    return client.get(key).orElse(null);
  }

  @Override
  public String description() {
    return "ppdb PpdbClient ("
        + peers
        + " peers, N = "
        + client.replicationFactor()
        + ", "
        + client.consistency()
        + ")";
  }

  @Override
  public void close() {
    client.close();
  }
}
