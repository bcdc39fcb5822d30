package org.ppdb.peer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.ReplicasUnavailableException;
import org.ppdb.peer.api.RequestTimeoutException;
import org.ppdb.peer.client.ServerCluster.Node;
import org.ppdb.peer.resp.NettyLeaks;
import org.ppdb.peer.resp.RespConfig;
import org.ppdb.storage.StorageEngine;

/**
 * {@link PpdbClient} against real Redis-protocol servers on loopback that report a shared topology
 * but keep their data apart, so each key shows which server its request reached.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PpdbClientIT {
  static {
    NettyLeaks.install();
  }

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    NettyLeaks.assertNone();
  }

  private ServerCluster cluster(int size, int replicationFactor, RespConfig config) {
    ServerCluster cluster = new ServerCluster(size, replicationFactor, config);
    toClose.add(cluster);
    return cluster;
  }

  private PpdbClient client(PpdbClientConfig.Builder builder) {
    PpdbClient client = PpdbClient.connect(builder.build());
    toClose.add(client);
    return client;
  }

  private static PpdbClientConfig.Builder config(ServerCluster cluster) {
    return PpdbClientConfig.builder()
        .seeds(cluster.seeds())
        // Generous: the machine may be loaded; the tests of timeouts set their own.
        .requestTimeout(Duration.ofSeconds(15))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    return ("value-" + i).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes, retrying once if the first attempt was indeterminate: a stopped server's connection may
   * still look open to the client for a moment, and a write lost on it is not resent.
   */
  private static void put(PpdbClient client, byte[] key, byte[] value) {
    try {
      client.put(key, value);
    } catch (PpdbTimeoutException indeterminate) {
      client.put(key, value);
    }
  }

  @Test
  void everyRequestLandsOnThePrimaryReplicaOfItsKey() {
    ServerCluster cluster = cluster(3, 2, RespConfig.defaults());
    PpdbClient client = client(config(cluster));
    assertThat(client.replicationFactor()).isEqualTo(2);
    int keys = 600;
    for (int i = 0; i < keys; i++) {
      client.put(key(i), value(i));
    }
    int[] perServer = new int[3];
    for (int i = 0; i < keys; i++) {
      List<Node> expected = cluster.replicasByBruteForce(key(i));
      assertThat(client.replicas(key(i)))
          .as("replicas of key %d", i)
          .containsExactlyElementsOf(expected.stream().map(n -> n.address).toList());
      Node primary = expected.get(0);
      for (Node n : cluster.nodes) {
        assertThat(n.holds(key(i)))
            .as("key %d on server %d (primary %d)", i, n.index, primary.index)
            .isEqualTo(n == primary);
      }
      perServer[primary.index]++;
      assertThat(client.get(key(i))).as("key %d", i).hasValue(value(i));
    }
    System.out.printf("PpdbClientIT: keys per server %s%n", java.util.Arrays.toString(perServer));
    for (int count : perServer) {
      assertThat(count).as("every server is some keys' primary").isPositive();
    }
    assertThat(client.delete(key(0))).isTrue();
    assertThat(client.delete(key(0))).isFalse();
    assertThat(client.get(key(0))).isEmpty();
    // One read and one write per key, and nothing else, reached the servers' stores.
    int calls = cluster.nodes.stream().mapToInt(n -> n.service.calls.get()).sum();
    // A DEL stamped with the client's version writes its tombstone whether or not the read found
    // the key (it may hide a write of the client's that timed out).
    assertThat(calls).isEqualTo(2 * keys + 2 /* DEL reads */ + 2 /* DEL's deletes */ + 1);
  }

  @Test
  void failsOverToTheNextReplicaWhenAServerStops() {
    ServerCluster cluster = cluster(3, 3, RespConfig.defaults());
    PpdbClient client = client(config(cluster));
    Node victim = cluster.nodes.get(1);
    victim.stop();
    int movedKeys = 0;
    for (int i = 0; i < 300; i++) {
      List<Node> replicas = cluster.replicasByBruteForce(key(i));
      put(client, key(i), value(i));
      assertThat(client.get(key(i))).as("key %d", i).hasValue(value(i));
      if (replicas.get(0) == victim) {
        movedKeys++;
        assertThat(replicas.get(1).holds(key(i)))
            .as("key %d of the stopped primary went to the second replica", i)
            .isTrue();
      }
    }
    assertThat(movedKeys).as("keys whose primary was stopped").isPositive();
    // A scan starts on the first member that answers: here the third, the first two being down.
    cluster.nodes.get(0).stop();
    ScanResult page = client.scan(ScanResult.START, null, 10_000);
    assertThat(page.keys()).isNotEmpty();
    for (byte[] k : page.keys()) {
      assertThat(cluster.nodes.get(2).holds(k)).isTrue();
    }
  }

  @Test
  void reconnectsToAServerThatComesBack() throws Exception {
    ServerCluster cluster = cluster(3, 3, RespConfig.defaults());
    PpdbClient client = client(config(cluster));
    Node victim = cluster.nodes.get(2);
    int port = victim.address.getPort();
    byte[] key = null;
    for (int i = 0; key == null; i++) {
      if (cluster.replicasByBruteForce(key(i)).get(0) == victim) {
        key = key(i);
      }
    }
    client.put(key, value(1));
    assertThat(victim.holds(key)).isTrue();
    victim.stop();
    put(client, key, value(2)); // fails over
    victim.start(port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!victim.holds(key) && System.nanoTime() < deadline) {
      put(client, key, value(3));
      Thread.sleep(20);
    }
    assertThat(victim.holds(key)).as("the restarted primary receives its keys again").isTrue();
  }

  @Test
  void requestsThatGetNoAnswerAreIndeterminate() {
    ServerCluster cluster = cluster(1, 1, RespConfig.defaults());
    PpdbClient client =
        client(config(cluster).requestTimeout(Duration.ofMillis(300)).connectionsPerPeer(1));
    client.put("before", "ok");
    cluster.nodes.get(0).service.stall = true;
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(PpdbTimeoutException.class)
        .hasMessageContaining("may or may not");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .as("reported after the request timeout")
        .isBetween(250L, 5_000L);
    CompletableFuture<Optional<byte[]>> read =
        client.getAsync("k".getBytes(StandardCharsets.UTF_8));
    assertThat(read)
        .failsWithin(Duration.ofSeconds(2))
        .withThrowableThat()
        .havingRootCause()
        .isInstanceOf(PpdbTimeoutException.class);
  }

  @Test
  void serverTimeoutsAreIndeterminateAndUnavailableReplicasAreDefinite() {
    ServerCluster cluster = cluster(2, 2, RespConfig.defaults());
    PpdbClient client = client(config(cluster));
    for (Node n : cluster.nodes) {
      n.service.failWith =
          new RequestTimeoutException(true, "2 of 2 replicas did not answer in 1000 ms");
    }
    assertThatThrownBy(() -> client.put("k", "v"))
        .isInstanceOf(PpdbTimeoutException.class)
        .hasMessageContaining("TIMEOUT")
        .hasMessageContaining("may or may not");
    for (Node n : cluster.nodes) {
      n.service.failWith = new ReplicasUnavailableException(Consistency.QUORUM, 2, 0);
    }
    int before = cluster.nodes.stream().mapToInt(n -> n.service.calls.get()).sum();
    assertThatThrownBy(() -> client.put("k", "v"))
        .isExactlyInstanceOf(PpdbClientException.class)
        .hasMessageContaining("NOREPLICAS");
    int after = cluster.nodes.stream().mapToInt(n -> n.service.calls.get()).sum();
    assertThat(after - before).as("each server tried once").isEqualTo(2);
    for (Node n : cluster.nodes) {
      n.service.failWith = null;
    }
    client.put("k", "v");
    assertThat(client.get("k")).hasValue("v");
  }

  @Test
  void pipelinesManyAsyncRequestsOnFewConnections() {
    ServerCluster cluster = cluster(2, 1, RespConfig.defaults());
    PpdbClient client =
        client(config(cluster).connectionsPerPeer(1).requestsInFlightPerConnectionMax(64));
    int n = 2_000;
    long start = System.nanoTime();
    List<CompletableFuture<Void>> writes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      writes.add(client.putAsync(key(i), value(i)));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    List<CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      reads.add(client.getAsync(key(i)));
    }
    for (int i = 0; i < n; i++) {
      assertThat(reads.get(i).join()).as("key %d", i).hasValue(value(i));
    }
    long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    System.out.printf(
        "PpdbClientIT: %d async puts + %d gets from one thread in %d ms (%d ops/s)%n",
        n, n, micros / 1000, 2L * n * 1_000_000 / Math.max(1, micros));
    for (Node node : cluster.nodes) {
      assertThat(node.server.connectedClients()).as("connections to server %d", node.index).isOne();
      assertThat(node.service.inFlightMax.get())
          .as("requests in flight at server %d", node.index)
          .isLessThanOrEqualTo(64);
    }
  }

  @Test
  void manyThreadsSharingConnectionsEachGetTheirOwnReplies() throws Exception {
    ServerCluster cluster = cluster(3, 2, RespConfig.defaults());
    PpdbClient client =
        client(config(cluster).connectionsPerPeer(2).requestsInFlightPerConnectionMax(8));
    int threads = 8;
    int opsPerThread = 400;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < opsPerThread; i++) {
                    // Each thread rewrites its own 10 keys; every read must see its last write.
                    String k = "t" + thread + ":" + (i % 10);
                    String v = "t" + thread + "-" + i;
                    client.put(k, v);
                    assertThat(client.get(k)).as("thread %d op %d", thread, i).hasValue(v);
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (Node node : cluster.nodes) {
      assertThat(node.server.connectedClients())
          .as("connections to server %d", node.index)
          .isLessThanOrEqualTo(2);
    }
  }

  @Test
  void aFullConnectionMakesCallersWaitThenFail() {
    ServerCluster cluster = cluster(1, 1, RespConfig.defaults());
    PpdbClient client =
        client(
            config(cluster)
                .requestTimeout(Duration.ofMillis(400))
                .connectionsPerPeer(1)
                .requestsInFlightPerConnectionMax(2));
    cluster.nodes.get(0).service.stall = true;
    CompletableFuture<Void> a = client.putAsync(key(1), value(1));
    CompletableFuture<Void> b = client.putAsync(key(2), value(2));
    assertThatThrownBy(() -> client.put(key(3), value(3)))
        .isExactlyInstanceOf(PpdbClientException.class)
        .hasMessageContaining("overloaded");
    assertThat(cluster.nodes.get(0).service.calls.get())
        .as("only two reached the server")
        .isEqualTo(2);
    assertThat(a).failsWithin(Duration.ofSeconds(2));
    assertThat(b).failsWithin(Duration.ofSeconds(2));
  }

  @Test
  void authenticatesWithThePassword() {
    ServerCluster cluster = cluster(2, 2, RespConfig.builder().password("s3cret").build());
    PpdbClient client = client(config(cluster).password("s3cret"));
    client.put("k", "v");
    assertThat(client.get("k")).hasValue("v");
    assertThatThrownBy(() -> PpdbClient.connect(config(cluster).build()))
        .isInstanceOf(PpdbClientException.class)
        .hasMessageContaining("NOAUTH");
    assertThatThrownBy(() -> PpdbClient.connect(config(cluster).password("wrong").build()))
        .isInstanceOf(PpdbClientException.class)
        .hasMessageContaining("WRONGPASS");
  }

  @Test
  void aRefusingPeerIsRetriedAfterABackoffThatDoublesUpToItsBound() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000);
    long min = TimeUnit.MILLISECONDS.toNanos(100);
    ClientCore core =
        new ClientCore(
            PpdbClientConfig.builder()
                .seeds(List.of(new InetSocketAddress("127.0.0.1", port)))
                .reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(350))
                .ioThreads(1)
                .build(),
            now::get);
    toClose.add(core);
    Endpoint e = core.endpoint(new InetSocketAddress("127.0.0.1", port));
    assertThat(e.down(now.get())).isFalse();
    long[] expectedBackoff = {min, 2 * min, 350_000_000L, 350_000_000L};
    for (long backoff : expectedBackoff) {
      assertThat(e.opening()).failsWithin(Duration.ofSeconds(5));
      long failedAt = now.get();
      assertThat(e.down(failedAt)).as("down right after a refused connection").isTrue();
      assertThat(e.down(failedAt + backoff - 1)).as("down for %d ns", backoff).isTrue();
      assertThat(e.down(failedAt + backoff)).as("up again after %d ns", backoff).isFalse();
      now.addAndGet(backoff);
    }
  }

  @Test
  void unreachableSeedsAreAClearError() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PpdbClientConfig config =
        PpdbClientConfig.builder()
            .seeds(List.of(new InetSocketAddress("127.0.0.1", port)))
            .requestTimeout(Duration.ofSeconds(1))
            .build();
    assertThatThrownBy(() -> PpdbClient.connect(config))
        .isInstanceOf(PpdbClientException.class)
        .hasMessageContaining("cannot reach any seed")
        .hasMessageContaining(Integer.toString(port));
  }

  @Test
  void writesCarryTheClientsOwnVersionsUnlessTurnedOff() {
    ServerCluster cluster = cluster(1, 1, RespConfig.defaults());
    StorageEngine engine = cluster.nodes.get(0).engine;
    PpdbClient client = client(config(cluster));
    long before = System.currentTimeMillis();
    client.put("a", "1");
    client.put("a", "2", Duration.ofMinutes(1));
    long first = engine.getRecord(bytes("a")).version();
    client.put("a", "3");
    long second = engine.getRecord(bytes("a")).version();
    assertThat(second).isGreaterThan(first);
    // A hybrid-logical-clock version of the client's clock, not the server's counter (1, 2, ...).
    java.time.Instant stamped = org.ppdb.peer.clock.HlcTimestamp.instantOf(second);
    assertThat(stamped.toEpochMilli())
        .isBetween(before - 1_000, System.currentTimeMillis() + 1_000);
    assertThat(client.delete("a")).isTrue();
    assertThat(engine.getRecord(bytes("a")).version()).isGreaterThan(second);

    PpdbClient plain = client(config(cluster).clientVersions(false));
    plain.put("b", "1");
    assertThat(engine.getRecord(bytes("b")).version()).as("the server's counter").isLessThan(100);
  }

  @Test
  void consistencyViewsReachTheServer() {
    ServerCluster cluster = cluster(1, 1, RespConfig.defaults());
    PpdbClient client = client(config(cluster).consistency(Consistency.ONE));
    ServerCluster.CountingService service = cluster.nodes.get(0).service;
    client.put("k", "v");
    assertThat(service.lastConsistency.get()).isEqualTo(Consistency.ONE);
    PpdbClient all = client.withConsistency(Consistency.ALL);
    all.put("k", "v2");
    assertThat(service.lastConsistency.get()).isEqualTo(Consistency.ALL);
    assertThat(all.get("k")).hasValue("v2");
    assertThat(service.lastConsistency.get()).isEqualTo(Consistency.ALL);
    all.close(); // a view's close leaves the client open
    assertThat(client.get("k")).hasValue("v2");
    assertThat(service.lastConsistency.get()).isEqualTo(Consistency.ONE);
  }

  @Test
  void scansPageByPageRingAndTopology() {
    ServerCluster cluster = cluster(1, 1, RespConfig.defaults());
    PpdbClient client = client(config(cluster));
    Set<String> written = new HashSet<>();
    for (int i = 0; i < 57; i++) {
      client.put("user:" + i, "x");
      written.add("user:" + i);
      client.put("other:" + i, "y");
    }
    client.put("k", "v", Duration.ofMinutes(1));
    Set<String> seen = new HashSet<>();
    String cursor = ScanResult.START;
    int pages = 0;
    do {
      ScanResult page = client.scan(cursor, "user:*", 10);
      for (byte[] k : page.keys()) {
        assertThat(seen.add(new String(k, StandardCharsets.UTF_8))).isTrue();
      }
      cursor = page.cursor();
      pages++;
    } while (!cursor.equals(ScanResult.START));
    assertThat(seen).isEqualTo(written);
    assertThat(pages).isGreaterThan(5);
    assertThatThrownBy(() -> client.scan("12", null, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cursor");
    assertThat(client.ring())
        .isEqualTo(cluster.nodes.get(0).id + " " + cluster.nodes.get(0).address.getPort() + "\n");
    assertThat(client.topology()).isEqualTo(cluster.info.topology());
  }

  @Test
  void closeFailsLaterRequests() {
    ServerCluster cluster = cluster(1, 1, RespConfig.defaults());
    PpdbClient client = PpdbClient.connect(config(cluster).build());
    client.put("k", "v");
    client.close();
    assertThatThrownBy(() -> client.get("k"))
        .isInstanceOf(PpdbClientException.class)
        .hasMessageContaining("closed");
    client.close(); // idempotent
  }
}
