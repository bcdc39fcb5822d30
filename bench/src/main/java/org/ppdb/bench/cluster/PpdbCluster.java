package org.ppdb.bench.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ppdb.peer.admin.AdminClient;
import org.ppdb.peer.admin.MemberSnapshot;
import org.ppdb.peer.admin.MemberState;

/**
 * ppdb under test: {@code size} {@code bin/ppdb peer} processes (see {@link #command}) on
 * 127.0.0.1, each with its data in a scratch directory, explicit free ports (peer, admin, client),
 * mDNS off, and the replication factor asked for; peers after the first join through the first as
 * their seed.
 *
 * <p>{@link #start} returns once every peer's admin {@code /members} shows {@code size} alive
 * members and its {@code PPDB.TOPOLOGY} shows {@code size} normal ones (so the ring is complete and
 * no range is still bootstrapping), or fails with the end of a peer's log after a bound. Not
 * thread-safe.
 */
final class PpdbCluster implements AutoCloseable {
  /** One peer process and its ports. */
  record Peer(Process process, int port, int adminPort, int clientPort, Path log) {
    InetSocketAddress clientAddress() {
      return new InetSocketAddress("127.0.0.1", clientPort);
    }

    InetSocketAddress adminAddress() {
      return new InetSocketAddress("127.0.0.1", adminPort);
    }
  }

  private static final Duration probeTimeout = Duration.ofSeconds(2);
  private static final long pollMillis = 250;

  private final ChildProcesses children;
  private final List<Peer> peers;

  private PpdbCluster(ChildProcesses children, List<Peer> peers) {
    this.children = children;
    this.peers = peers;
  }

  /**
   * The command of one peer: what {@code bin/ppdb peer ...} executes, {@code java OPTIONS -jar
   * ppdb.jar peer ...}, with {@code jar} a copy of {@code cli/target/ppdb.jar} taken when the
   * benchmark started, so that a rebuild in the shared checkout neither replaces the jar under
   * running peers nor mixes builds within one benchmark.
   */
  static List<String> command(
      List<String> jvmOptions,
      Path jar,
      String clusterName,
      Path dataDir,
      int port,
      int adminPort,
      int clientPort,
      int replicationFactor,
      String seed) {
    List<String> command = new ArrayList<>();
    command.add(JavaCommand.javaBinary());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.add("peer");
    command.addAll(List.of("--cluster", clusterName));
    command.addAll(List.of("--data-dir", dataDir.toString()));
    command.addAll(List.of("--bind", "127.0.0.1"));
    command.addAll(List.of("--port", Integer.toString(port)));
    command.addAll(List.of("--admin-port", Integer.toString(adminPort)));
    command.addAll(List.of("--client-port", Integer.toString(clientPort)));
    command.add("--no-mdns");
    command.addAll(List.of("--replication-factor", Integer.toString(replicationFactor)));
    if (seed != null) {
      command.addAll(List.of("--seeds", seed));
    }
    return command;
  }

  static PpdbCluster start(
      ChildProcesses children,
      FreePorts ports,
      Path jar,
      Path directory,
      int size,
      int replicationFactor,
      String clusterName,
      List<String> jvmOptions,
      Duration readyTimeout)
      throws IOException, InterruptedException {
    Files.createDirectories(directory);
    List<Peer> peers = new ArrayList<>();
    PpdbCluster cluster = new PpdbCluster(children, peers);
    try {
      String seed = null;
      for (int i = 0; i < size; i++) {
        int port = ports.tcpAndUdp();
        int adminPort = ports.tcp();
        int clientPort = ports.tcp();
        Path log = directory.resolve("peer-" + i + ".log");
        ProcessBuilder builder =
            new ProcessBuilder(
                    command(
                        jvmOptions,
                        jar,
                        clusterName,
                        directory.resolve("peer-" + i),
                        port,
                        adminPort,
                        clientPort,
                        replicationFactor,
                        seed))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        peers.add(new Peer(children.start(builder), port, adminPort, clientPort, log));
        if (seed == null) {
          seed = "127.0.0.1:" + port;
        }
      }
      cluster.awaitReady(size, readyTimeout);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void awaitReady(int size, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < peers.size(); i++) {
      Peer peer = peers.get(i);
      AdminClient admin = new AdminClient(peer.adminAddress(), probeTimeout);
      String last = "not answering";
      while (true) {
        if (!peer.process().isAlive()) {
          throw new IOException(
              "ppdb peer "
                  + i
                  + " exited with status "
                  + peer.process().exitValue()
                  + ": "
                  + ChildProcesses.tail(peer.log(), 15));
        }
        try {
          long alive =
              admin.members().stream()
                  .map(MemberSnapshot::state)
                  .filter(MemberState.ALIVE::equals)
                  .count();
          if (alive < size) {
            last = "/members shows " + alive + " alive";
          } else {
            int normal =
                RespProbe.normalAliveMembers(
                    RespProbe.command(peer.clientAddress(), probeTimeout, "PPDB.TOPOLOGY"));
            if (normal >= size) {
              break;
            }
            last = "PPDB.TOPOLOGY shows " + normal + " normal alive members";
          }
        } catch (IOException | IllegalArgumentException e) {
          last = e.getMessage();
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "ppdb peer "
                  + i
                  + " not ready with "
                  + size
                  + " members within "
                  + timeout.toSeconds()
                  + " s ("
                  + last
                  + "): "
                  + ChildProcesses.tail(peer.log(), 15));
        }
        Thread.sleep(pollMillis);
      }
    }
  }

  List<Peer> peers() {
    return peers;
  }

  /** Every peer's client (Redis protocol) address. */
  List<InetSocketAddress> clientAddresses() {
    return peers.stream().map(Peer::clientAddress).toList();
  }

  @Override
  public void close() {
    children.stop(peers.stream().map(Peer::process).toList(), ChildProcesses.STOP_GRACE);
  }
}
