package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.cli.PeerProcesses.PeerProcess;

/**
 * Two real {@code ppdb peer} processes given no seeds find each other by mDNS alone. Loopback
 * carries no multicast, so the test makes its own network namespace whose loopback does, and runs
 * the peers (and the {@code ppdb members} that reads them) inside it; no traffic leaves the
 * namespace.
 */
class MdnsPeersIT {

  private static final String NAMESPACE = "ppdb-mdns-peers-it";

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException(command + " exited " + process.exitValue() + ": " + output);
    }
    return output;
  }

  private static List<String> inNamespace(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", NAMESPACE));
    full.addAll(List.of(command));
    return full;
  }

  @BeforeAll
  static void createNamespace() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "skipping: creating a network namespace needs root");
    try {
      run(List.of("ip", "netns", "list"));
    } catch (IOException e) {
      Assumptions.abort("skipping: iproute2 'ip netns' is not usable: " + e.getMessage());
    }
    try {
      run(List.of("ip", "netns", "del", NAMESPACE)); // a leftover of a killed run
    } catch (IOException expected) {
      // none was left: the usual case
    }
    run(List.of("ip", "netns", "add", NAMESPACE));
    run(inNamespace("ip", "link", "set", "lo", "up"));
    run(inNamespace("ip", "link", "set", "lo", "multicast", "on"));
    run(inNamespace("ip", "route", "add", "224.0.0.0/4", "dev", "lo"));
  }

  @AfterAll
  static void deleteNamespace() throws Exception {
    if ("root".equals(System.getProperty("user.name"))) {
      try {
        run(List.of("ip", "netns", "del", NAMESPACE));
      } catch (IOException alreadyGone) {
        // created nothing, or already deleted
      }
    }
  }

  private static String members(PeerProcess peer) throws Exception {
    List<String> command = new ArrayList<>(inNamespace());
    command.addAll(PeerProcesses.java());
    command.addAll(List.of("members", "--admin", "127.0.0.1:" + peer.adminPort));
    return run(command);
  }

  @Test
  void twoPeersWithoutSeedsFindEachOtherByMdns(@TempDir Path dir) throws Exception {
    try (PeerProcesses peers = new PeerProcesses(dir, inNamespace())) {
      PeerProcess first = peers.add();
      PeerProcess second = peers.add();
      peers.start(first, List.of());
      peers.start(second, List.of());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      String seenByFirst = "";
      String seenBySecond = "";
      while (System.nanoTime() < deadline) {
        try {
          seenByFirst = members(first);
          seenBySecond = members(second);
          if (seenByFirst.contains("2 members: 2 alive")
              && seenBySecond.contains("2 members: 2 alive")) {
            break;
          }
        } catch (IOException notUpYet) {
          // the admin port is not listening yet
        }
        Thread.sleep(500);
      }
      assertThat(seenByFirst)
          .as("members seen by the first peer; its log:%n%s", first.logTail())
          .contains("2 members: 2 alive");
      assertThat(seenBySecond)
          .as("members seen by the second peer; its log:%n%s", second.logTail())
          .contains("2 members: 2 alive");
      assertThat(second.logTail()).contains("mDNS: peer").contains("member joined");
    }
  }
}
