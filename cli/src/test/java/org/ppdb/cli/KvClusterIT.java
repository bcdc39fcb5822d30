package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.cli.PeerProcesses.PeerProcess;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.client.PpdbClient;
import org.ppdb.peer.client.PpdbClientConfig;
import org.ppdb.peer.client.PpdbClientException;
import org.ppdb.peer.client.PpdbTimeoutException;
import org.ppdb.peer.resp.TopologyEntry;

/**
 * The replicated store as users see it, with real peer processes on loopback: 3 peers (N = 3);
 * 10,000 keys written at QUORUM through {@code redis-cli --pipe} and 10,000 through {@link
 * PpdbClient}; one peer killed with kill -9, every key still reads at QUORUM (Java client, and a
 * sample through redis-cli); the peer restarts and every read is still correct; then a 4th peer
 * joins while a writer keeps writing, and every acknowledged key, old or written during the join,
 * reads back.
 */
class KvClusterIT {
  static final int KEYS_PER_CLIENT = 10_000;
  static final int WINDOW = 256;
  static final int SAMPLE = 300;

  /** The client port of each peer, by peer index. */
  private final Map<Integer, Integer> clientPorts = new HashMap<>();

  private List<String> peerArgs(PeerProcess peer, PeerProcess seed) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--cluster",
                "kvit",
                "--no-mdns",
                "--client-port",
                Integer.toString(clientPorts.get(peer.index)),
                "--replication-factor",
                "3"));
    if (seed != peer) {
      args.add("--seeds");
      args.add("127.0.0.1:" + seed.port);
    }
    return args;
  }

  private static boolean redisCliPresent() {
    try {
      Process p = new ProcessBuilder("redis-cli", "--version").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private PpdbClient client(List<PeerProcess> peers) {
    List<InetSocketAddress> seeds = new ArrayList<>();
    for (PeerProcess p : peers) {
      seeds.add(new InetSocketAddress("127.0.0.1", clientPorts.get(p.index)));
    }
    return PpdbClient.connect(
        PpdbClientConfig.builder()
            .seeds(seeds)
            .consistency(Consistency.QUORUM)
            .requestTimeout(Duration.ofSeconds(5))
            .topologyRefreshInterval(Duration.ofMillis(500))
            .build());
  }

  /** Waits until the topology seen through {@code port} lists {@code n} normal, alive members. */
  private void awaitServing(int port, int n, List<PeerProcess> peers) {
    try {
      await("a ring of " + n + " serving peers seen through port " + port)
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                try (PpdbClient c =
                    PpdbClient.connect(
                        PpdbClientConfig.builder()
                            .seeds(List.of(new InetSocketAddress("127.0.0.1", port)))
                            .requestTimeout(Duration.ofSeconds(2))
                            .build())) {
                  List<TopologyEntry> t = c.topology();
                  return t.size() == n && t.stream().allMatch(e -> e.normal() && e.alive());
                }
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + "\n" + logs(peers), e);
    }
  }

  private static String logs(List<PeerProcess> peers) {
    StringBuilder sb = new StringBuilder();
    for (PeerProcess p : peers) {
      sb.append("---- log of peer ").append(p.index).append(":\n").append(p.logTail()).append('\n');
    }
    return sb.toString();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes {@code prefix:i -> v:i} for every i through the Java client; returns them. */
  private static Map<String, String> writeThroughJava(PpdbClient client, String prefix, int n) {
    Map<String, String> written = new HashMap<>();
    for (int start = 0; start < n; start += WINDOW) {
      List<CompletableFuture<Void>> window = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + WINDOW); i++) {
        window.add(client.putAsync(utf8(prefix + ":" + i), utf8("v:" + i)));
      }
      for (int j = 0; j < window.size(); j++) {
        String key = prefix + ":" + (start + j);
        String value = "v:" + (start + j);
        try {
          window.get(j).join();
        } catch (java.util.concurrent.CompletionException e) {
          // An indeterminate or refused write is written again until it is acknowledged.
          client.put(key, value);
        }
        written.put(key, value);
      }
    }
    return written;
  }

  /** Reads every key at QUORUM through the Java client and compares. */
  private static void readAll(PpdbClient client, Map<String, String> expected, String when) {
    List<String> keys = new ArrayList<>(expected.keySet());
    keys.sort(null);
    int missing = 0;
    List<String> wrong = new ArrayList<>();
    for (int start = 0; start < keys.size(); start += WINDOW) {
      List<CompletableFuture<Optional<byte[]>>> window = new ArrayList<>();
      List<String> names = keys.subList(start, Math.min(keys.size(), start + WINDOW));
      for (String k : names) {
        window.add(client.getAsync(utf8(k)));
      }
      for (int j = 0; j < names.size(); j++) {
        Optional<byte[]> v;
        try {
          v = window.get(j).join();
        } catch (java.util.concurrent.CompletionException e) {
          v = client.get(utf8(names.get(j))); // one retry of a failed read
        }
        String want = expected.get(names.get(j));
        if (v.isEmpty()) {
          missing++;
          if (wrong.size() < 10) {
            wrong.add(names.get(j) + "=(missing)");
          }
        } else if (!want.equals(new String(v.get(), StandardCharsets.UTF_8))) {
          if (wrong.size() < 10) {
            wrong.add(names.get(j) + "=" + new String(v.get(), StandardCharsets.UTF_8));
          }
        }
      }
    }
    assertThat(wrong)
        .as("%s: keys missing (%d) or wrong of %d, first ones", when, missing, keys.size())
        .isEmpty();
    System.out.printf("KvClusterIT: %s: %d keys read back at QUORUM%n", when, keys.size());
  }

  /** {@code redis-cli --pipe} of {@code SET prefix:i v:i}; returns the keys written. */
  private static Map<String, String> writeThroughRedisCli(Path dir, int port, String prefix, int n)
      throws Exception {
    Path commands = dir.resolve(prefix + ".resp");
    StringBuilder sb = new StringBuilder();
    Map<String, String> written = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String k = prefix + ":" + i;
      String v = "v:" + i;
      sb.append("*3\r\n$3\r\nSET\r\n$")
          .append(k.length())
          .append("\r\n")
          .append(k)
          .append("\r\n$")
          .append(v.length())
          .append("\r\n")
          .append(v)
          .append("\r\n");
      written.put(k, v);
    }
    Files.writeString(commands, sb.toString(), StandardCharsets.US_ASCII);
    Process p =
        new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "--pipe")
            .redirectInput(commands.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("redis-cli --pipe ends").isTrue();
    assertThat(out).as("redis-cli --pipe output").contains("errors: 0, replies: " + n);
    return written;
  }

  /** GETs {@code keys} through one redis-cli process (commands on standard input). */
  private static void readSampleThroughRedisCli(
      Path dir, int port, Map<String, String> expected, List<String> keys, String when)
      throws Exception {
    Path input = dir.resolve("sample.txt");
    StringBuilder sb = new StringBuilder();
    for (String k : keys) {
      sb.append("GET ").append(k).append('\n');
    }
    Files.writeString(input, sb.toString(), StandardCharsets.US_ASCII);
    Process p =
        new ProcessBuilder("redis-cli", "-p", Integer.toString(port))
            .redirectInput(input.toFile())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = out.lines().toList();
    assertThat(lines).as("%s: redis-cli replies", when).hasSize(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      assertThat(lines.get(i))
          .as("%s: redis-cli GET %s", when, keys.get(i))
          .isEqualTo(expected.get(keys.get(i)));
    }
    System.out.printf("KvClusterIT: %s: %d keys read through redis-cli%n", when, keys.size());
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void acknowledgedKeysSurviveAKillARestartAndAJoin(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        redisCliPresent(), "redis-cli is not installed (bin/test installs redis-tools)");
    long startNanos = System.nanoTime();
    try (PeerProcesses cluster = new PeerProcesses(dir)) {
      for (int i = 0; i < 4; i++) {
        PeerProcess p = cluster.add();
        clientPorts.put(p.index, PeerProcesses.freePort());
      }
      List<PeerProcess> peers = cluster.peers();
      PeerProcess seed = peers.get(0);
      List<PeerProcess> first3 = peers.subList(0, 3);
      for (PeerProcess p : first3) {
        cluster.start(p, peerArgs(p, seed));
      }
      awaitServing(clientPorts.get(seed.index), 3, first3);
      System.out.printf(
          "KvClusterIT: 3 peers serve %d ms after the first start%n",
          (System.nanoTime() - startNanos) / 1_000_000);

      Map<String, String> expected = new ConcurrentHashMap<>();
      expected.putAll(
          writeThroughRedisCli(dir, clientPorts.get(seed.index), "rc", KEYS_PER_CLIENT));
      try (PpdbClient client = client(first3)) {
        expected.putAll(writeThroughJava(client, "jc", KEYS_PER_CLIENT));
        readAll(client, expected, "3 peers");
        // Every peer holds a replica of every key (N = 3): the seed's engine took all of them.
        String metrics =
            new org.ppdb.peer.admin.AdminClient(seed.admin(), java.time.Duration.ofSeconds(5))
                .get("/metrics")
                .body();
        java.util.regex.Matcher user =
            java.util.regex.Pattern.compile(
                    "ppdb_storage_written_bytes_total\\{kind=\"user\"\\} ([0-9.E]+)")
                .matcher(metrics);
        assertThat(user.find()).as("storage meters in /metrics").isTrue();
        assertThat(Double.parseDouble(user.group(1)))
            .as(
                "bytes the seed's engine took for %d records; its storage meters:%n%s",
                2 * KEYS_PER_CLIENT,
                metrics
                    .lines()
                    .filter(l -> l.startsWith("ppdb_storage"))
                    .collect(java.util.stream.Collectors.joining("\n")))
            .isGreaterThan(2 * KEYS_PER_CLIENT * 10.0);

        PeerProcess victim = peers.get(1);
        victim.kill9();
        readAll(client, expected, "one peer killed with kill -9");
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < SAMPLE / 2; i++) {
          sample.add("rc:" + (i * 37 % KEYS_PER_CLIENT));
          sample.add("jc:" + (i * 53 % KEYS_PER_CLIENT));
        }
        readSampleThroughRedisCli(
            dir, clientPorts.get(peers.get(2).index), expected, sample, "one peer killed");

        cluster.start(victim, peerArgs(victim, seed));
        awaitServing(clientPorts.get(victim.index), 3, first3);
        readAll(client, expected, "the killed peer restarted");

        // A 4th peer joins while a writer keeps writing; only acknowledged writes count.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger indeterminate = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Thread writer =
            new Thread(
                () -> {
                  for (int i = 0; !stop.get(); i++) {
                    String k = "jw:" + i;
                    String v = "v:" + i;
                    try {
                      client.put(k, v);
                      expected.put(k, v);
                    } catch (PpdbTimeoutException e) {
                      indeterminate.incrementAndGet();
                    } catch (PpdbClientException e) {
                      refused.incrementAndGet();
                    }
                  }
                },
                "kv-writer");
        writer.start();
        Thread.sleep(1_000);
        PeerProcess joiner = peers.get(3);
        cluster.start(joiner, peerArgs(joiner, seed));
        awaitServing(clientPorts.get(joiner.index), 4, peers);
        Thread.sleep(2_000);
        stop.set(true);
        writer.join(30_000);
        long duringJoin = expected.keySet().stream().filter(k -> k.startsWith("jw:")).count();
        System.out.printf(
            "KvClusterIT: %d writes acknowledged during the join (%d indeterminate, %d refused)%n",
            duringJoin, indeterminate.get(), refused.get());
        assertThat(duringJoin).as("writes acknowledged during the join").isPositive();
        client.topology();
        readAll(client, expected, "after the 4th peer joined");
        List<String> joinSample = new ArrayList<>(sample);
        expected.keySet().stream()
            .filter(k -> k.startsWith("jw:"))
            .sorted()
            .limit(SAMPLE / 3)
            .forEach(joinSample::add);
        readSampleThroughRedisCli(
            dir, clientPorts.get(joiner.index), expected, joinSample, "through the joined peer");
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(e.getMessage() + "\n" + logs(peers), e);
      }
      System.out.printf(
          "KvClusterIT: done in %d ms%n", (System.nanoTime() - startNanos) / 1_000_000);
    }
  }
}
