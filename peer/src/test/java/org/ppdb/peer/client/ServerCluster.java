package org.ppdb.peer.client;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.KeyValueService;
import org.ppdb.peer.api.LocalKeyValueService;
import org.ppdb.peer.api.ScanPage;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.resp.PeerInfoSource;
import org.ppdb.peer.resp.RespConfig;
import org.ppdb.peer.resp.RespServer;
import org.ppdb.peer.resp.TopologyEntry;
import org.ppdb.peer.ring.KeyHash;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.memory.MemoryStorage;

/**
 * Independent Redis-protocol servers on loopback, each over its own in-memory engine (no
 * replication between them), which all report the same topology: where a key's request landed is
 * visible as which engine holds it.
 */
final class ServerCluster implements AutoCloseable {
  static final int TOKENS_PER_SERVER = 8;

  /** One server: its engine, its service (wrapped to count and stall calls) and its address. */
  final class Node {
    final int index;
    final String id;
    final long[] tokens;
    StorageEngine engine;
    CountingService service;
    RespServer server;
    InetSocketAddress address;
    volatile String status = TopologyEntry.STATUS_ALIVE;

    Node(int index) {
      this.index = index;
      this.id = String.format("%02x", index + 1).repeat(4);
      this.tokens = KeyHash.tokensFor(id.getBytes(StandardCharsets.US_ASCII), TOKENS_PER_SERVER);
    }

    /** (Re)starts the server on {@code port} (0: any) over a fresh engine. */
    void start(int port) {
      engine = MemoryStorage.open();
      AtomicLong versions = new AtomicLong();
      service =
          new CountingService(
              new LocalKeyValueService(
                  engine, versions::incrementAndGet, System::currentTimeMillis, Runnable::run));
      server = new RespServer(config, service, info, System::currentTimeMillis);
      address = server.start(new InetSocketAddress("127.0.0.1", port));
    }

    void stop() {
      if (server != null) {
        server.close();
        engine.close();
        server = null;
      }
    }

    boolean holds(byte[] key) {
      return engine.get(key) != null;
    }
  }

  final List<Node> nodes = new ArrayList<>();
  final int replicationFactor;
  private final RespConfig config;

  final PeerInfoSource info =
      new PeerInfoSource() {
        @Override
        public List<InfoField> infoFields() {
          return List.of(new InfoField("peers", Integer.toString(nodes.size())));
        }

        @Override
        public List<String> ringDescription() {
          List<String> lines = new ArrayList<>();
          for (Node n : nodes) {
            lines.add(n.id + " " + n.address.getPort());
          }
          return lines;
        }

        @Override
        public List<TopologyEntry> topology() {
          List<TopologyEntry> entries = new ArrayList<>();
          for (Node n : nodes) {
            entries.add(
                new TopologyEntry(
                    n.id,
                    n.address.getHostString(),
                    n.address.getPort(),
                    TopologyEntry.STATE_NORMAL,
                    n.status,
                    n.tokens));
          }
          return entries;
        }

        @Override
        public int replicationFactor() {
          return replicationFactor;
        }
      };

  ServerCluster(int size, int replicationFactor, RespConfig config) {
    this.replicationFactor = replicationFactor;
    this.config = config;
    for (int i = 0; i < size; i++) {
      nodes.add(new Node(i));
    }
    for (Node n : nodes) {
      n.start(0);
    }
  }

  List<InetSocketAddress> seeds() {
    return List.of(nodes.get(0).address);
  }

  Node byAddress(InetSocketAddress address) {
    for (Node n : nodes) {
      if (n.address.equals(address)) {
        return n;
      }
    }
    throw new AssertionError("no server at " + address);
  }

  /**
   * The replicas of {@code key} by brute force: walk every token of every node in ring order from
   * the key's position, collecting distinct owners.
   */
  List<Node> replicasByBruteForce(byte[] key) {
    long position = KeyHash.position(key);
    List<long[]> pairs = new ArrayList<>(); // token, node index
    for (Node n : nodes) {
      for (long t : n.tokens) {
        pairs.add(new long[] {t, n.index});
      }
    }
    pairs.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int start = 0;
    while (start < pairs.size() && pairs.get(start)[0] < position) {
      start++;
    }
    List<Node> result = new ArrayList<>();
    for (int i = 0; i < pairs.size() && result.size() < replicationFactor; i++) {
      Node owner = nodes.get((int) pairs.get((start + i) % pairs.size())[1]);
      if (!result.contains(owner)) {
        result.add(owner);
      }
    }
    return result;
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      n.stop();
    }
  }

  /**
   * A service that counts calls and the consistency they asked for, and can stall writes (never
   * complete them) or fail them with a given exception.
   */
  static final class CountingService implements KeyValueService {
    final KeyValueService target;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger inFlightMax = new AtomicInteger();
    final AtomicReference<Consistency> lastConsistency = new AtomicReference<>();
    volatile boolean stall;
    volatile RuntimeException failWith;

    CountingService(KeyValueService target) {
      this.target = target;
    }

    private <T> CompletionStage<T> track(
        Consistency c, java.util.function.Supplier<CompletionStage<T>> call) {
      calls.incrementAndGet();
      lastConsistency.set(c);
      if (failWith != null) {
        return CompletableFuture.failedFuture(failWith);
      }
      int now = inFlight.incrementAndGet();
      inFlightMax.accumulateAndGet(now, Math::max);
      if (stall) {
        return new CompletableFuture<>(); // never completes: the client must time out
      }
      return call.get().whenComplete((v, e) -> inFlight.decrementAndGet());
    }

    @Override
    public CompletionStage<Optional<StoredValue>> get(byte[] key, Consistency consistency) {
      return track(consistency, () -> target.get(key, consistency));
    }

    @Override
    public CompletionStage<Long> put(
        byte[] key, byte[] value, long expiresAtMillis, Consistency consistency) {
      return track(consistency, () -> target.put(key, value, expiresAtMillis, consistency));
    }

    @Override
    public CompletionStage<Long> delete(byte[] key, Consistency consistency) {
      return track(consistency, () -> target.delete(key, consistency));
    }

    @Override
    public CompletionStage<Long> writeVersioned(
        byte[] key, byte[] value, long expiresAtMillis, long version, Consistency consistency) {
      return track(
          consistency,
          () -> target.writeVersioned(key, value, expiresAtMillis, version, consistency));
    }

    @Override
    public CompletionStage<ScanPage> scan(byte[] afterKey, int limit, Consistency consistency) {
      return target.scan(afterKey, limit, consistency);
    }

    @Override
    public CompletionStage<Long> sizeEstimate() {
      return target.sizeEstimate();
    }
  }
}
