package org.ppdb.cli;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ppdb.peer.admin.AdminClient;
import org.ppdb.peer.admin.MemberSnapshot;

/**
 * Real {@code ppdb peer} processes on loopback for integration tests: started from the jar this
 * build packaged, each with its own data directory and log files, and all killed when closed.
 */
final class PeerProcesses implements AutoCloseable {

  private static final Path JAR =
      Path.of(System.getProperty("user.dir")).resolve("target/ppdb.jar");

  /** One peer process. */
  static final class PeerProcess {
    final int index;
    final int port;
    final int adminPort;
    final Path dataDir;
    final Path log;
    Process process;

    PeerProcess(int index, int port, int adminPort, Path dataDir, Path log) {
      this.index = index;
      this.port = port;
      this.adminPort = adminPort;
      this.dataDir = dataDir;
      this.log = log;
    }

    InetSocketAddress admin() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), adminPort);
    }

    /**
     * One client per peer, so that polls reuse its kept-alive connection: a new client per poll
     * leaves an idle connection open on the peer each time (Java 17's HttpClient cannot be closed),
     * and a test polling every 250 ms for long enough fills the admin server's connection cap,
     * after which every poll gets a 503.
     */
    private AdminClient adminClient;

    List<MemberSnapshot> members() throws IOException, InterruptedException {
      if (adminClient == null) {
        adminClient = new AdminClient(admin(), Duration.ofSeconds(3));
      }
      return adminClient.members();
    }

    String selfId() throws IOException, InterruptedException {
      return members().stream().filter(MemberSnapshot::self).findFirst().orElseThrow().id();
    }

    boolean alive() {
      return process != null && process.isAlive();
    }

    void kill9() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL on Linux
      process.waitFor(30, TimeUnit.SECONDS);
    }

    String logTail() {
      String exit =
          process != null && !process.isAlive()
              ? "(the process exited with status " + process.exitValue() + ")\n"
              : "";
      return exit + logLines();
    }

    private String logLines() {
      try {
        List<String> lines = Files.readAllLines(log);
        if (lines.size() <= 50) {
          return String.join("\n", lines);
        }
        return String.join("\n", lines.subList(0, 10))
            + "\n...\n"
            + String.join("\n", lines.subList(lines.size() - 40, lines.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }
  }

  private final Path root;
  private final List<String> prefix;
  private final List<PeerProcess> peers = new ArrayList<>();

  PeerProcesses(Path root) {
    this(root, List.of());
  }

  /**
   * @param prefix words put before each peer's command, such as {@code ip netns exec NAME} to run
   *     the peers in a network namespace
   */
  PeerProcesses(Path root, List<String> prefix) {
    this.root = root;
    this.prefix = List.copyOf(prefix);
  }

  /** The java executable and options every process of these tests starts with. */
  static List<String> java() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx192m",
        "-XX:TieredStopAtLevel=1",
        "-jar",
        JAR.toString());
  }

  /** Declares a peer with fresh ports (not started). */
  PeerProcess add() throws IOException {
    int index = peers.size() + 1;
    PeerProcess peer =
        new PeerProcess(
            index,
            freePort(),
            freePort(),
            root.resolve("peer" + index),
            root.resolve("peer" + index + ".log"));
    peers.add(peer);
    return peer;
  }

  /** Starts (or restarts) a peer process with the given extra arguments. */
  void start(PeerProcess peer, List<String> extraArguments) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(java());
    command.add("peer");
    command.addAll(
        List.of(
            "--bind",
            "127.0.0.1",
            "--port",
            Integer.toString(peer.port),
            "--admin-port",
            Integer.toString(peer.adminPort),
            "--data-dir",
            peer.dataDir.toString()));
    if (!extraArguments.contains("--client-port")) {
      // The Redis port defaults to 6379, which tests on one machine would fight over.
      command.addAll(List.of("--client-port", "0"));
    }
    command.addAll(extraArguments);
    peer.process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(peer.log.toFile()))
            .start();
  }

  List<PeerProcess> peers() {
    return peers;
  }

  /** Lowest port {@link #freePort} hands out. */
  static final int PORT_MIN = 20_000;

  /**
   * Ports {@link #freePort} hands out: {@link #PORT_MIN} up to below Linux's default ephemeral
   * range (32768-60999). A port taken from inside that range (a bind to port 0) can be given by the
   * kernel to an outgoing connection of a peer started earlier before the peer it was chosen for
   * binds it, and that peer then fails to start.
   */
  static final int PORT_SPAN = 12_000;

  private static final java.util.concurrent.atomic.AtomicInteger nextPort =
      new java.util.concurrent.atomic.AtomicInteger(
          (int) Math.floorMod(ProcessHandle.current().pid() * 7_919L, PORT_SPAN));

  /**
   * A port free for both TCP and UDP on loopback right now, below the ephemeral range; test JVMs
   * start at different places (by process id) so that concurrent ones rarely probe the same ports.
   */
  static int freePort() throws IOException {
    for (int attempt = 0; attempt < PORT_SPAN; attempt++) {
      int port = PORT_MIN + Math.floorMod(nextPort.getAndIncrement(), PORT_SPAN);
      try (ServerSocket tcp = new ServerSocket()) {
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        try (DatagramSocket udp =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
          return port;
        }
      } catch (IOException taken) {
        // In use (TCP or UDP): try the next one.
      }
    }
    throw new IOException(
        "no port free for both TCP and UDP in " + PORT_MIN + ".." + (PORT_MIN + PORT_SPAN - 1));
  }

  @Override
  public void close() throws InterruptedException {
    for (PeerProcess peer : peers) {
      if (peer.process != null) {
        peer.process.destroyForcibly();
      }
    }
    for (PeerProcess peer : peers) {
      if (peer.process != null) {
        peer.process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
