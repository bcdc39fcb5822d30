package org.ppdb.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.peer.admin.AdminClient;
import org.ppdb.peer.admin.MemberState;
import org.ppdb.peer.discovery.SeedAddress;

/**
 * Two in-process peers on loopback: they form a cluster, then one is flooded with malformed input
 * on its peer port; it stays up, the membership is unaffected, and /metrics counts the rejects.
 */
class PeerIT {

  static {
    System.setProperty("io.netty.leakDetection.level", "paranoid");
  }

  private static PeerConfig config(Path dir, List<SeedAddress> seeds) {
    return TestPeerConfigs.inMemory("peer-it", dir, seeds);
  }

  private static long alive(Peer peer) {
    return peer.memberSnapshots().stream().filter(m -> m.state() == MemberState.ALIVE).count();
  }

  private static double metric(String metrics, String name, String reason) {
    Matcher m =
        Pattern.compile(
                "^" + name + "\\{[^}]*reason=\"" + reason + "\"[^}]*} ([0-9.eE+]+)$",
                Pattern.MULTILINE)
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void malformedInputIsCountedAndChangesNothing(@TempDir Path dir) throws Exception {
    try (Peer a = Peer.start(config(dir.resolve("a"), List.of()), failure -> {})) {
      SeedAddress seed = new SeedAddress("127.0.0.1", a.advertised().getPort());
      try (Peer b = Peer.start(config(dir.resolve("b"), List.of(seed)), failure -> {})) {
        assertThat(a.advertised().getPort()).isPositive();
        await().atMost(Duration.ofSeconds(60)).until(() -> alive(a) == 2 && alive(b) == 2);

        SplittableRandom random = new SplittableRandom(20261121L);
        InetSocketAddress target = a.advertised();
        try (DatagramSocket socket = new DatagramSocket()) {
          for (int i = 0; i < 10_000; i++) {
            int length =
                switch (i % 4) {
                  case 0 -> random.nextInt(0, 16); // truncated
                  case 1 -> random.nextInt(16, 1_400); // random
                  case 2 -> 8_000 + random.nextInt(0, 50_000); // oversized
                  default -> 64;
                };
            byte[] garbage = new byte[length];
            random.nextBytes(garbage);
            socket.send(new DatagramPacket(garbage, garbage.length, target));
          }
        }
        for (int i = 0; i < 50; i++) {
          try (Socket socket = new Socket(target.getAddress(), target.getPort())) {
            OutputStream out = socket.getOutputStream();
            byte[] garbage = new byte[random.nextInt(1, 2_000)];
            random.nextBytes(garbage);
            out.write(garbage);
            out.flush();
          } catch (java.io.IOException refusedOrReset) {
            // A peer may close a garbage connection before we finish writing: that is the point.
          }
        }

        AdminClient admin = new AdminClient(a.adminAddress(), Duration.ofSeconds(5));
        await("rejects counted in /metrics")
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> {
                  String metrics = admin.get("/metrics").body();
                  return metric(metrics, "ppdb_transport_datagrams_rejected_total", "malformed")
                          + metric(
                              metrics,
                              "ppdb_transport_datagrams_rejected_total",
                              "checksum_mismatch")
                          + metric(
                              metrics, "ppdb_transport_datagrams_rejected_total", "wrong_cluster")
                      > 1_000;
                });
        String metrics = admin.get("/metrics").body();
        assertThat(metrics).contains("ppdb_members{state=\"alive\"} 2.0");
        assertThat(admin.get("/health").status()).isEqualTo(200);
        // Membership is unaffected, and stays so for a few more protocol periods.
        Thread.sleep(3_000);
        assertThat(alive(a)).isEqualTo(2);
        assertThat(alive(b)).isEqualTo(2);
      }
    }
  }
}
