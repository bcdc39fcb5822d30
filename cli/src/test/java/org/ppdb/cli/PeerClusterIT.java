package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.cli.PeerProcesses.PeerProcess;
import org.ppdb.peer.admin.MemberSnapshot;
import org.ppdb.peer.admin.MemberState;

/**
 * Five real peer processes on loopback joined through one seed; one is killed with kill -9, the
 * others declare it dead; it restarts and rejoins under the same id; another stops on SIGTERM and
 * the others record that it left.
 */
class PeerClusterIT {

  private static long count(List<MemberSnapshot> members, MemberState state) {
    return members.stream().filter(m -> m.state() == state).count();
  }

  private static MemberState stateOf(List<MemberSnapshot> members, String id) {
    return members.stream()
        .filter(m -> m.id().equals(id))
        .map(MemberSnapshot::state)
        .findFirst()
        .orElse(null);
  }

  /**
   * Waits for {@code condition}; on time-out, fails with the tail of {@code peer}'s log and then of
   * every other peer's of {@code cluster} (the one at fault is often another).
   */
  private static void awaitLogged(
      PeerProcesses cluster,
      PeerProcess peer,
      String what,
      int seconds,
      java.util.concurrent.Callable<Boolean> condition) {
    try {
      await(what)
          .atMost(Duration.ofSeconds(seconds))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder logs = new StringBuilder();
      logs.append("log of peer ").append(peer.index).append(":\n").append(peer.logTail());
      for (PeerProcess other : cluster.peers()) {
        if (other != peer) {
          logs.append("\n---- log of peer ").append(other.index).append(":\n");
          logs.append(other.logTail());
        }
      }
      throw new AssertionError(what + " within " + seconds + " s; " + logs, e);
    }
  }

  @Test
  void fivePeersFormAClusterDetectAKilledPeerAndTakeItBack(@TempDir Path dir) throws Exception {
    try (PeerProcesses cluster = new PeerProcesses(dir)) {
      for (int i = 0; i < 5; i++) {
        cluster.add();
      }
      List<PeerProcess> peers = cluster.peers();
      PeerProcess seed = peers.get(0);
      String seedArg = "127.0.0.1:" + seed.port;
      long startNanos = System.nanoTime();
      cluster.start(seed, List.of("--no-mdns"));
      for (PeerProcess peer : peers.subList(1, 5)) {
        cluster.start(peer, List.of("--no-mdns", "--seeds", seedArg));
      }
      for (PeerProcess peer : peers) {
        awaitLogged(
            cluster,
            peer,
            "peer " + peer.index + " sees 5 alive",
            120,
            () -> count(peer.members(), MemberState.ALIVE) == 5);
      }
      System.out.printf(
          "PeerClusterIT: 5-peer cluster formed %d ms after the first start%n",
          (System.nanoTime() - startNanos) / 1_000_000);

      PeerProcess victim = peers.get(2);
      String victimId = victim.selfId();
      victim.kill9();
      long killedNanos = System.nanoTime();
      for (PeerProcess peer : peers) {
        if (peer == victim) {
          continue;
        }
        awaitLogged(
            cluster,
            peer,
            "peer " + peer.index + " declares the killed peer dead",
            60,
            () -> stateOf(peer.members(), victimId) == MemberState.DEAD);
      }
      System.out.printf(
          "PeerClusterIT: every live peer saw the killed peer dead %d ms after kill -9%n",
          (System.nanoTime() - killedNanos) / 1_000_000);

      cluster.start(victim, List.of("--no-mdns", "--seeds", seedArg));
      awaitLogged(
          cluster,
          victim,
          "the restarted peer is back",
          120,
          () -> count(victim.members(), MemberState.ALIVE) == 5);
      assertThat(victim.selfId()).as("identity survives the restart").isEqualTo(victimId);
      for (PeerProcess peer : peers) {
        await("peer " + peer.index + " sees the restarted peer alive")
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(() -> stateOf(peer.members(), victimId) == MemberState.ALIVE);
      }

      // SIGTERM leaves gracefully: the others record "left", not "dead".
      PeerProcess leaver = peers.get(4);
      String leaverId = leaver.selfId();
      leaver.process.destroy(); // SIGTERM on Linux
      assertThat(leaver.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
          .as("the peer exits after SIGTERM")
          .isTrue();
      assertThat(leaver.process.exitValue()).as("exit status after SIGTERM").isIn(0, 143);
      assertThat(leaver.logTail()).contains("left the cluster");
      for (PeerProcess peer : peers.subList(0, 4)) {
        await("peer " + peer.index + " records the graceful leave")
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(() -> stateOf(peer.members(), leaverId) == MemberState.LEFT);
      }
    }
  }

  @Test
  void peersWithoutTheClusterSecretCannotJoin(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret");
    Path wrongSecret = dir.resolve("wrong-secret");
    java.nio.file.Files.writeString(secret, "correct horse battery staple 0123456789\n");
    java.nio.file.Files.writeString(wrongSecret, "a different secret, also long enough\n");
    for (Path file : List.of(secret, wrongSecret)) {
      java.nio.file.Files.setPosixFilePermissions(
          file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    try (PeerProcesses cluster = new PeerProcesses(dir)) {
      PeerProcess first = cluster.add();
      PeerProcess second = cluster.add();
      PeerProcess wrong = cluster.add();
      PeerProcess open = cluster.add();
      String seed = "127.0.0.1:" + first.port;
      cluster.start(first, List.of("--no-mdns", "--cluster-secret-file", secret.toString()));
      cluster.start(
          second,
          List.of("--no-mdns", "--cluster-secret-file", secret.toString(), "--seeds", seed));
      cluster.start(
          wrong,
          List.of("--no-mdns", "--cluster-secret-file", wrongSecret.toString(), "--seeds", seed));
      cluster.start(open, List.of("--no-mdns", "--seeds", seed));
      for (PeerProcess peer : List.of(first, second)) {
        awaitLogged(
            cluster,
            peer,
            "peer " + peer.index + " sees the other secured peer",
            120,
            () -> count(peer.members(), MemberState.ALIVE) == 2);
      }
      // Give the intruders time to try (they retry their seed every few seconds).
      awaitLogged(
          cluster,
          wrong,
          "the intruders are up",
          120,
          () -> wrong.members().size() >= 1 && open.members().size() >= 1);
      Thread.sleep(8_000);
      for (PeerProcess peer : List.of(first, second)) {
        assertThat(peer.members()).as("members seen by secured peer %d", peer.index).hasSize(2);
      }
      assertThat(wrong.members()).as("the peer with the wrong secret is alone").hasSize(1);
      assertThat(open.members()).as("the peer without a secret is alone").hasSize(1);
      assertThat(open.logTail()).contains("is OPEN");
    }
  }
}
