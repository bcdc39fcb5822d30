package org.ppdb.bench.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.BuildInfoProvider;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.List;

/**
 * Hazelcast's Java client on the benchmark's IMap: a smart client (it sends each key's request to
 * the member that owns the key's partition, as ppdb's client is token-aware), connected only to the
 * listed loopback members, with discovery by cloud auto-detection off.
 *
 * <p>A put is {@link IMap#set}: {@code put} without returning the previous value, which is what a
 * ppdb put or a Redis SET does; it returns after the two synchronous backups acknowledged.
 * Thread-safe (the client is).
 */
final class HazelcastTarget implements KeyValueTarget {
  private final HazelcastInstance client;
  private final IMap<byte[], byte[]> map;
  private final int members;

  private HazelcastTarget(HazelcastInstance client, int members) {
    this.client = client;
    this.map = client.getMap(HazelcastMember.MAP_NAME);
    this.members = members;
  }

  /** Connects to {@code addresses} and waits until the client sees every member. */
  static HazelcastTarget connect(String clusterName, List<String> addresses, Duration timeout)
      throws InterruptedException {
    HazelcastMember.applyQuietProperties();
    ClientConfig config = new ClientConfig();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().setAddresses(addresses).setSmartRouting(true);
    config.getNetworkConfig().getAutoDetectionConfig().setEnabled(false);
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(timeout.toMillis());
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (client.getCluster().getMembers().size() < addresses.size()) {
      if (System.nanoTime() > deadline) {
        int seen = client.getCluster().getMembers().size();
        client.shutdown();
        throw new IllegalStateException(
            "hazelcast client sees " + seen + " members (expected: " + addresses.size() + ")");
      }
      Thread.sleep(100);
    }
    return new HazelcastTarget(client, addresses.size());
  }

  @Override
  public void put(byte[] key, byte[] value) {
    map.set(key, value);
  }

  @Override
  public byte[] get(byte[] key) {
    return map.get(key);
  }

  @Override
  public String description() {
    return "hazelcast "
        + BuildInfoProvider.getBuildInfo().getVersion()
        + " ("
        + members
        + " members, IMap backup-count "
        + HazelcastMember.BACKUP_COUNT
        + ", smart client)";
  }

  @Override
  public void close() {
    client.shutdown();
  }
}
