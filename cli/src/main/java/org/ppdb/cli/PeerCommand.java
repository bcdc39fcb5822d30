package org.ppdb.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.ppdb.peer.DataSettings;
import org.ppdb.peer.Peer;
import org.ppdb.peer.PeerConfig;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.discovery.SeedAddress;
import org.ppdb.peer.discovery.SeedAddresses;
import org.ppdb.peer.replication.DataConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ppdb peer}: starts a peer process and keeps it running until it is stopped. SIGTERM or
 * Ctrl-C leave the cluster gracefully; kill -9 is safe too (the others declare the peer dead, and
 * it rejoins under the same id when it comes back).
 */
@Command(
    name = "peer",
    description = {
      "Start a ppdb peer: it finds the other peers of its cluster (mDNS on the LAN, seeds, DHT"
          + " rendezvous), gossips membership with them, and serves admin HTTP on loopback.",
      "",
      "Every option can also be set in the environment (--data-dir as PPDB_DATA_DIR) or in a"
          + " properties file given with --config (key data-dir); the command line wins, then the"
          + " environment, then the file."
    },
    sortOptions = false)
final class PeerCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file with option values (keys are option names without --).")
  Path config;

  @Option(
      names = "--cluster",
      defaultValue = "default",
      description = "Cluster name; peers of other clusters never merge. Default: ${DEFAULT-VALUE}.")
  String cluster;

  @Option(
      names = "--data-dir",
      defaultValue = "ppdb-data",
      paramLabel = "DIR",
      description = "Where the node keeps its identity key and data. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      paramLabel = "ADDRESS",
      description = "Address the peer port listens on. Default: ${DEFAULT-VALUE} (all).")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "" + PeerConfig.PORT_DEFAULT,
      description =
          "Peer port, UDP (gossip, DHT) and TCP (streams); 0 picks one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--advertise",
      paramLabel = "ADDRESS",
      description =
          "IP address other peers use to reach this one. Default: the bind address, or the first"
              + " non-loopback IPv4 address when binding all.")
  String advertise;

  @Option(
      names = "--seeds",
      paramLabel = "HOST:PORT,...",
      description = "Peers to join through. Default: none (found by mDNS or the DHT).")
  String seeds;

  @Option(
      names = "--dht-seeds",
      paramLabel = "HOST:PORT,...",
      description =
          "DHT nodes to bootstrap through (any cluster); the cluster is found by rendezvous.")
  String dhtSeeds;

  // A plain flag rather than picocli's negatable option: a negatable option reads "true" from the
  // environment or a config file as "mDNS on", the opposite of what PPDB_NO_MDNS=true says.
  @Option(
      names = "--no-mdns",
      defaultValue = "false",
      description = "Turn LAN discovery by mDNS off (on by default).")
  boolean noMdns;

  @Option(
      names = "--cluster-secret-file",
      paramLabel = "FILE",
      description =
          "Cluster secret: peers authenticate and encrypt everything between them. Without it the"
              + " cluster is open (a warning is printed).")
  Path clusterSecretFile;

  @Option(
      names = "--admin-bind",
      defaultValue = "127.0.0.1",
      paramLabel = "ADDRESS",
      description = "Admin HTTP address (/health, /members, /metrics). Default: ${DEFAULT-VALUE}.")
  String adminBind;

  @Option(
      names = "--admin-port",
      defaultValue = "" + PeerConfig.ADMIN_PORT_DEFAULT,
      description = "Admin HTTP port; 0 picks one. Default: ${DEFAULT-VALUE}.")
  int adminPort;

  @Option(
      names = "--leave-timeout-ms",
      defaultValue = "" + PeerConfig.LEAVE_TIMEOUT_MILLIS_DEFAULT,
      description =
          "How long a graceful stop waits for the leave to spread. Default: ${DEFAULT-VALUE}.")
  long leaveTimeoutMillis;

  @Option(
      names = "--client-port",
      defaultValue = "" + DataSettings.CLIENT_PORT_DEFAULT,
      description =
          "Redis-protocol port for clients (redis-cli, any Redis library, PpdbClient); 0 picks"
              + " one, -1 serves no clients. Default: ${DEFAULT-VALUE}.")
  int clientPort;

  @Option(
      names = "--client-bind",
      paramLabel = "ADDRESS",
      description =
          "Address of the client port. Default: 127.0.0.1 (protected mode), or all addresses"
              + " when --requirepass is set.")
  String clientBind;

  @Option(
      names = "--requirepass",
      paramLabel = "PASSWORD",
      description = "Password clients must AUTH with (as Redis' requirepass). Default: none.")
  String requirePass;

  @Option(
      names = "--replication-factor",
      defaultValue = "" + DataConfig.REPLICATION_FACTOR_DEFAULT,
      paramLabel = "N",
      description = "Replicas of every key. Default: ${DEFAULT-VALUE}.")
  int replicationFactor;

  @Option(
      names = "--consistency",
      defaultValue = "QUORUM",
      paramLabel = "LEVEL",
      description =
          "Default level of client reads and writes: ONE, QUORUM or ALL (a connection changes it"
              + " with PPDB.CONSISTENCY). Default: ${DEFAULT-VALUE}.")
  String consistency;

  @Option(
      names = "--tokens",
      defaultValue = "" + DataConfig.TOKENS_PER_MEMBER_DEFAULT,
      paramLabel = "T",
      description = "Virtual nodes (ring tokens) of this peer. Default: ${DEFAULT-VALUE}.")
  int tokens;

  @Option(
      names = "--storage",
      defaultValue = "lsm",
      paramLabel = "ENGINE",
      description =
          "Local engine: lsm (durable, on disk) or memory (bounded by --max-memory, evicts when"
              + " full, empty after a restart). Default: ${DEFAULT-VALUE}.")
  String storage;

  @Option(
      names = "--max-memory",
      defaultValue = "256MiB",
      paramLabel = "SIZE",
      description = "Bound of the memory engine (e.g. 64MiB, 2GiB). Default: ${DEFAULT-VALUE}.")
  String maxMemory;

  @Option(
      names = "--wal-sync",
      defaultValue = "periodic",
      paramLabel = "POLICY",
      description =
          "When the LSM engine's log reaches the disk: always (before every acknowledgement),"
              + " periodic (every --wal-sync-period-ms) or never. Default: ${DEFAULT-VALUE}.")
  String walSync;

  @Option(
      names = "--wal-sync-period-ms",
      defaultValue = "1000",
      description = "Period of --wal-sync periodic. Default: ${DEFAULT-VALUE}.")
  long walSyncPeriodMillis;

  @Option(
      names = "--compression",
      defaultValue = "none",
      paramLabel = "CODEC",
      description =
          "Block compression of the LSM engine's tables: none (reads served in place from the"
              + " page cache, least CPU) or lz4 (less disk). Default: ${DEFAULT-VALUE}.")
  String compression;

  @Option(
      names = "--memtable-size",
      defaultValue = "16MiB",
      paramLabel = "SIZE",
      description =
          "The LSM engine's write buffer (1MiB..1GiB): smaller makes each write cheaper, larger"
              + " writes fewer level-0 tables. Default: ${DEFAULT-VALUE}.")
  String memtableSize;

  /** The system property with which Netty's buffer leak detection level is chosen. */
  static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

  /**
   * Turns off Netty's sampled buffer leak detection in the peer process unless {@value
   * #LEAK_DETECTION_PROPERTY} asks for a level: its default samples one buffer in 128 and records a
   * stack trace for it, 1.7% of a coordinator's CPU under redis-benchmark. Leaks are hunted in the
   * tests, which run the peer's Netty handlers at the paranoid level.
   */
  static void disableLeakDetectionUnlessAsked() {
    if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
      io.netty.util.ResourceLeakDetector.setLevel(
          io.netty.util.ResourceLeakDetector.Level.DISABLED);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PeerConfig peerConfig;
    try {
      peerConfig = toConfig();
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    disableLeakDetectionUnlessAsked();
    CountDownLatch stopped = new CountDownLatch(1);
    Peer peer =
        Peer.start(
            peerConfig,
            failure -> {
              err.println("ppdb: the node stopped on an internal error: " + failure);
              err.flush();
              Runtime.getRuntime().halt(3);
            });
    peer.openClusterWarning()
        .ifPresent(
            warning -> {
              err.println(warning);
              err.flush();
            });
    out.printf(
        "ppdb peer %s of cluster '%s' at %s, admin http://%s:%d/%s%n",
        peer.nodeId().toHex(),
        cluster,
        peer.advertised(),
        peer.adminAddress().getAddress().getHostAddress(),
        peer.adminAddress().getPort(),
        peer.clientAddress() == null
            ? ""
            : ", clients redis://"
                + peer.clientAddress().getAddress().getHostAddress()
                + ":"
                + peer.clientAddress().getPort());
    out.flush();
    Thread hook =
        new Thread(
            () -> {
              peer.close();
              stopped.countDown();
            },
            "ppdb-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return 0;
  }

  /** The peer's configuration from the parsed options; no side effects. */
  PeerConfig toConfig() throws java.net.UnknownHostException {
    return new PeerConfig(
        cluster,
        dataDir,
        bind,
        port,
        advertise,
        seedList(seeds),
        seedList(dhtSeeds),
        !noMdns,
        clusterSecretFile,
        InetAddress.getByName(adminBind),
        adminPort,
        PeerConfig.NODE_QUEUE_CAPACITY_DEFAULT,
        leaveTimeoutMillis,
        dataSettings());
  }

  private DataSettings dataSettings() {
    Consistency level = Consistency.parse(consistency);
    if (level == null) {
      throw new IllegalArgumentException(
          "--consistency: '" + consistency + "' (expected: ONE, QUORUM or ALL)");
    }
    return new DataSettings(
        replicationFactor,
        tokens,
        level,
        DataSettings.StorageKind.parse(storage),
        DataSettings.parseSize(maxMemory),
        DataSettings.WalSync.parse(walSync),
        walSyncPeriodMillis,
        DataSettings.parseCompression(compression),
        DataSettings.parseSize(memtableSize),
        clientBind,
        clientPort,
        requirePass);
  }

  private static List<SeedAddress> seedList(String text) {
    return text == null || text.isBlank() ? List.of() : SeedAddresses.parse(text);
  }
}
