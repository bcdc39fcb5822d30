package org.ppdb.bench.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One Hazelcast 5 member for the cluster benchmark's anchor, run in a JVM of its own: {@code java
 * -cp ppdb-bench.jar org.ppdb.bench.cluster.HazelcastMember CLUSTER PORT MEMBERS READY_FILE}, where
 * MEMBERS is the comma-separated {@code 127.0.0.1:PORT} list of every member (this one included).
 *
 * <p>Configured for loopback only and for equal terms with ppdb at N = 3: TCP-IP join with the
 * listed members, multicast, auto-detection (cloud metadata probes) and phone-home off, bound to
 * 127.0.0.1 without port auto-increment; the benchmark's IMap {@value #MAP_NAME} keeps two
 * synchronous backups ({@code backup-count 2}, {@code async-backup-count 0}), so that a put returns
 * after all three copies are in memory. Hazelcast keeps data in memory only, so it has no disk cost
 * that ppdb's WAL pays.
 *
 * <p>When every member has joined, it writes READY_FILE. It exits when its standard input closes,
 * so that members never outlive the benchmark that started them, even after a {@code kill -9} of
 * it.
 */
public final class HazelcastMember {
  /** The IMap the benchmark reads and writes. */
  public static final String MAP_NAME = "bench";

  /** Synchronous backups of every entry: three copies in all, like ppdb's N = 3. */
  static final int BACKUP_COUNT = 2;

  private static final long joinPollMillis = 100;

  private HazelcastMember() {}

  /** Settings that keep Hazelcast quiet on the network: no phone-home, loopback only. */
  static void applyQuietProperties() {
    System.setProperty("hazelcast.phone.home.enabled", "false");
    System.setProperty("hazelcast.socket.bind.any", "false");
    System.setProperty("hazelcast.local.localAddress", "127.0.0.1");
  }

  /** The member configuration for {@code port} in a cluster of {@code members}. */
  static Config config(String clusterName, int port, List<String> members) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.shutdownhook.policy", "TERMINATE");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    config.addMapConfig(
        new MapConfig(MAP_NAME).setBackupCount(BACKUP_COUNT).setAsyncBackupCount(0));
    return config;
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 4) {
      System.err.println("usage: HazelcastMember CLUSTER PORT HOST:PORT,... READY_FILE");
      System.exit(2);
    }
    applyQuietProperties();
    String clusterName = args[0];
    int port = Integer.parseInt(args[1]);
    List<String> members = Arrays.asList(args[2].split(","));
    Path readyFile = Path.of(args[3]);
    HazelcastInstance instance = Hazelcast.newHazelcastInstance(config(clusterName, port, members));
    Thread watchdog =
        new Thread(
            () -> {
              // Exit when the parent closes our standard input (it stopped or died).
              try (InputStream in = System.in) {
                while (in.read() >= 0) {
                  // ignore input
                }
              } catch (IOException e) {
                // treat as closed
              }
              System.err.println("hazelcast member: standard input closed, stopping");
              instance.shutdown();
              System.exit(0);
            },
            "stdin-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    while (instance.getCluster().getMembers().size() < members.size()) {
      Thread.sleep(joinPollMillis);
    }
    instance.getMap(MAP_NAME); // create the map before the clients arrive
    Files.writeString(
        readyFile, instance.getCluster().getMembers().toString(), StandardCharsets.UTF_8);
    System.out.println("hazelcast member ready: " + instance.getCluster().getMembers());
    watchdog.join();
  }
}
