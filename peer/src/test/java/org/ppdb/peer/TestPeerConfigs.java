package org.ppdb.peer;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.discovery.SeedAddress;

/** Configurations of in-process test peers: loopback, any free ports, the in-memory engine. */
final class TestPeerConfigs {
  private TestPeerConfigs() {}

  /**
   * A peer of cluster {@code cluster} on 127.0.0.1 (peer, admin and client ports chosen by the
   * system), without mDNS or a cluster secret, with N = 3 at QUORUM over 32 tokens and a 64 MiB
   * in-memory engine, and a 500 ms leave timeout.
   */
  static PeerConfig inMemory(String cluster, Path dir, List<SeedAddress> seeds) {
    return new PeerConfig(
        cluster,
        dir,
        "127.0.0.1",
        0,
        null,
        seeds,
        List.of(),
        false,
        null,
        InetAddress.getLoopbackAddress(),
        0,
        PeerConfig.NODE_QUEUE_CAPACITY_DEFAULT,
        500,
        new DataSettings(
            3,
            32,
            Consistency.QUORUM,
            DataSettings.StorageKind.MEMORY,
            64L << 20,
            DataSettings.WalSync.PERIODIC,
            1_000,
            org.ppdb.storage.Compression.NONE,
            DataSettings.MEMTABLE_BYTES_DEFAULT,
            null,
            0,
            null));
  }
}
