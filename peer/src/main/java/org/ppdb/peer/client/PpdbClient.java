package org.ppdb.peer.client;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.resp.TopologyEntry;

/**
 * The Java client of a ppdb cluster: token-aware, pipelined, with failover.
 *
 * <pre>{@code
 * PpdbClientConfig config = PpdbClientConfig.builder()
 *     .seeds(List.of(new InetSocketAddress("127.0.0.1", 6379)))
 *     .requestTimeout(Duration.ofSeconds(5))
 *     .build();
 * try (PpdbClient client = PpdbClient.connect(config)) {
 *   client.put("greeting", "hello");
 *   Optional<String> v = client.get("greeting");                  // Optional[hello]
 *   client.withConsistency(Consistency.ALL).put("k", "v", Duration.ofMinutes(10));
 *   CompletableFuture<Optional<byte[]>> f = client.getAsync(key);  // pipelined
 * } catch (PpdbTimeoutException e) {
 *   // indeterminate: the write may or may not have happened
 * } catch (PpdbClientException e) {
 *   // definite failure, with the server's message
 * }
 * }</pre>
 *
 * <h2>How it works</h2>
 *
 * The client speaks the Redis protocol (RESP2) to the peers' client ports. At {@link #connect} it
 * asks a seed for {@code PPDB.TOPOLOGY} (every member's client address, state and tokens, and the
 * replication factor), builds the same {@link org.ppdb.peer.ring.TokenRing} as the peers, and sends
 * each key's request to the first reachable replica of the key, which coordinates it without an
 * extra hop. It refetches the topology every {@link PpdbClientConfig#topologyRefreshInterval()} and
 * after connection errors. Requests of many threads share a few connections per peer and are
 * pipelined on them; each connection bounds its requests in flight, and callers wait for a free
 * slot (backpressure) rather than queueing without limit. Failover and what counts as
 * indeterminate: see {@link PpdbTimeoutException} and the rules in the package documentation.
 * Against servers without {@code PPDB.TOPOLOGY} (a plain Redis) it sends every request to the
 * seeds. Writes carry versions from the client's own hybrid logical clock ({@code PPDB.VERSION}),
 * so this client's writes are ordered as it made them whichever peers coordinate them ({@link
 * PpdbClientConfig#clientVersions()}).
 *
 * <h2>Threading and cost</h2>
 *
 * Thread-safe; one client per application is the intended use. The synchronous methods block the
 * calling thread for at most about the request timeout. The futures of the {@code *Async} methods
 * complete on the client's I/O threads: callbacks must not block and must not call the synchronous
 * methods (they throw {@link IllegalStateException} there); run blocking work with {@link
 * CompletableFuture}'s {@code *Async} variants and an executor of your own. A request issued from
 * such a callback cannot wait for a free slot and fails over (or fails as overloaded) when its
 * peer's connections are full. Each request costs one encoded buffer and a future; no thread per
 * request.
 *
 * <p>Keys and values are byte strings; the {@code String} overloads use UTF-8.
 */
public final class PpdbClient implements AutoCloseable {
  private static final byte[] GET = Replies.ascii("GET");
  private static final byte[] SET = Replies.ascii("SET");
  private static final byte[] PX = Replies.ascii("PX");
  private static final byte[] DEL = Replies.ascii("DEL");
  private static final byte[] SCAN = Replies.ascii("SCAN");
  private static final byte[] MATCH = Replies.ascii("MATCH");
  private static final byte[] COUNT = Replies.ascii("COUNT");
  private static final byte[] RING = Replies.ascii("PPDB.RING");
  private static final byte[] TOPOLOGY = Replies.ascii("PPDB.TOPOLOGY");

  /** Members a scan's first page is tried on before it fails. */
  static final int SCAN_FIRST_PAGE_TRIES = 3;

  /** How much longer than the request timeout a synchronous call waits, in milliseconds. */
  static final long SYNC_GRACE_MILLIS = 1_000;

  private final ClientCore core;
  private final Consistency consistency;
  private final boolean root;

  private PpdbClient(ClientCore core, Consistency consistency, boolean root) {
    this.core = core;
    this.consistency = consistency;
    this.root = root;
  }

  /**
   * Connects: fetches the topology from the first seed that answers.
   *
   * @throws PpdbClientException if no seed can be reached, or the password is refused (the message
   *     says which)
   */
  public static PpdbClient connect(PpdbClientConfig config) {
    Objects.requireNonNull(config, "config");
    ClientCore core = new ClientCore(config);
    try {
      core.start();
    } catch (RuntimeException e) {
      core.close();
      throw e;
    }
    return new PpdbClient(core, config.consistency(), true);
  }

  /**
   * A view of this client whose requests run at {@code c}; it shares this client's connections.
   * Closing a view does nothing; close the client returned by {@link #connect}.
   */
  public PpdbClient withConsistency(Consistency c) {
    Objects.requireNonNull(c, "consistency");
    return new PpdbClient(core, c, false);
  }

  /** The consistency of this view's requests. */
  public Consistency consistency() {
    return consistency;
  }

  // ---- get

  /** The value of {@code key}, or empty if it is absent, deleted or expired. */
  public Optional<byte[]> get(byte[] key) {
    return await(getAsync(key));
  }

  public CompletableFuture<Optional<byte[]>> getAsync(byte[] key) {
    requireKey(key);
    return keyed(new byte[][] {GET, key}, key, true)
        .thenApply(reply -> Optional.ofNullable((byte[]) reply));
  }

  /** The value of {@code key} as UTF-8 text. */
  public Optional<String> get(String key) {
    return get(utf8(key)).map(v -> new String(v, StandardCharsets.UTF_8));
  }

  // ---- put

  /** Writes {@code key -> value}; returns once the write met this view's consistency. */
  public void put(byte[] key, byte[] value) {
    await(putAsync(key, value));
  }

  /** Writes {@code key -> value}, expiring after {@code ttl} (at least 1 ms). */
  public void put(byte[] key, byte[] value, Duration ttl) {
    await(putAsync(key, value, ttl));
  }

  public void put(String key, String value) {
    put(utf8(key), utf8(value));
  }

  public void put(String key, String value, Duration ttl) {
    put(utf8(key), utf8(value), ttl);
  }

  public CompletableFuture<Void> putAsync(byte[] key, byte[] value) {
    requireKey(key);
    Objects.requireNonNull(value, "value");
    return keyed(core.stamped(new byte[][] {SET, key, value}), key, false)
        .thenApply(PpdbClient::expectOk);
  }

  public CompletableFuture<Void> putAsync(byte[] key, byte[] value, Duration ttl) {
    requireKey(key);
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 1 ms)");
    }
    byte[] millis = Replies.ascii(Long.toString(ttl.toMillis()));
    return keyed(core.stamped(new byte[][] {SET, key, value, PX, millis}), key, false)
        .thenApply(PpdbClient::expectOk);
  }

  // ---- delete

  /** Deletes {@code key}; returns whether it existed (as read at this view's consistency). */
  public boolean delete(byte[] key) {
    return await(deleteAsync(key));
  }

  public boolean delete(String key) {
    return delete(utf8(key));
  }

  public CompletableFuture<Boolean> deleteAsync(byte[] key) {
    requireKey(key);
    return keyed(core.stamped(new byte[][] {DEL, key}), key, false)
        .thenApply(reply -> asLong(reply) > 0);
  }

  // ---- cluster-wide commands

  /**
   * One page of a scan over the keys of the whole cluster. Start with {@link ScanResult#START} and
   * pass each result's cursor to the next call until {@link ScanResult#complete()}. The scan's
   * position lives on the peer that answered the first call: if that peer goes away, the next call
   * fails and the scan must start again.
   *
   * @param match a Redis glob pattern ({@code user:*}), or {@code null} for every key
   * @param count how many keys the server examines per page (a hint, at least 1)
   */
  public ScanResult scan(String cursor, String match, int count) {
    Objects.requireNonNull(cursor, "cursor");
    if (count < 1) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
    }
    Endpoint pinned = null;
    String serverCursor = cursor;
    if (!cursor.equals(ScanResult.START)) {
      int at = cursor.indexOf('@');
      if (at <= 0) {
        throw new IllegalArgumentException(
            "cursor: '" + cursor + "' (expected: 0 or a cursor returned by scan)");
      }
      serverCursor = cursor.substring(0, at);
      pinned = core.knownEndpoint(cursor.substring(at + 1));
      if (pinned == null) {
        throw new PpdbClientException(
            "scan cursor belongs to "
                + cursor.substring(at + 1)
                + ", which is no longer a member: start the scan again");
      }
    }
    List<byte[]> args = new ArrayList<>(6);
    args.add(SCAN);
    args.add(Replies.ascii(serverCursor));
    if (match != null) {
      args.add(MATCH);
      args.add(utf8(match));
    }
    args.add(COUNT);
    args.add(Replies.ascii(Integer.toString(count)));
    byte[][] command = withConsistency(args.toArray(byte[][]::new));
    Endpoint answered;
    Object result;
    if (pinned != null) {
      answered = pinned;
      result = await(core.executeOn(pinned, command));
    } else {
      // The first page picks a peer, and later pages must go to the same one: each candidate is
      // asked in turn until one answers.
      List<Endpoint> order = core.routing().rotation(0);
      if (order.isEmpty()) {
        throw new PpdbClientException("SCAN: no member known");
      }
      PpdbClientException last = null;
      answered = null;
      result = null;
      for (Endpoint e : order.subList(0, Math.min(order.size(), SCAN_FIRST_PAGE_TRIES))) {
        try {
          result = await(core.executeOn(e, command));
          answered = e;
          break;
        } catch (PpdbClientException failed) {
          last = failed;
          if (failed.getMessage().startsWith("ERR")) {
            throw failed; // the server refused the command itself
          }
        }
      }
      if (answered == null) {
        throw last;
      }
    }
    try {
      List<?> parts = (List<?>) result;
      String next = new String((byte[]) parts.get(0), StandardCharsets.US_ASCII);
      List<byte[]> keys = new ArrayList<>();
      for (Object k : (List<?>) parts.get(1)) {
        keys.add((byte[]) k);
      }
      String clientCursor =
          next.equals(ScanResult.START) ? ScanResult.START : next + "@" + answered;
      return new ScanResult(clientCursor, keys);
    } catch (ClassCastException | IndexOutOfBoundsException | NullPointerException e) {
      throw new PpdbClientException("malformed SCAN reply: " + e, e);
    }
  }

  /** The lines of {@code PPDB.RING} from any member: which ranges each peer owns, and its load. */
  public String ring() {
    Object reply = await(core.execute(new byte[][] {RING}, null, true));
    StringBuilder sb = new StringBuilder();
    try {
      for (Object line : (List<?>) reply) {
        sb.append(Replies.utf8(line)).append('\n');
      }
    } catch (ClassCastException e) {
      throw new PpdbClientException("malformed PPDB.RING reply: " + e, e);
    }
    return sb.toString();
  }

  /** Fetches the topology now (and routes by it from now on). */
  public List<TopologyEntry> topology() {
    Object reply = await(core.execute(new byte[][] {TOPOLOGY}, null, true));
    return core.installTopology(reply);
  }

  /** The replication factor of the last topology (0 before any). */
  public int replicationFactor() {
    return core.routing().replicationFactor();
  }

  /**
   * Where a request for {@code key} goes, in order of preference: the key's replicas by the last
   * topology (alive ones first). Empty without a topology. For diagnostics and tests.
   */
  public List<InetSocketAddress> replicas(byte[] key) {
    requireKey(key);
    List<InetSocketAddress> result = new ArrayList<>();
    for (Endpoint e : core.routing().replicas(key)) {
      result.add(e.address);
    }
    return result;
  }

  /** Closes every connection and stops the client's threads; a view's close does nothing. */
  @Override
  public void close() {
    if (root) {
      core.close();
    }
  }

  /** The shared core (for tests in this package). */
  ClientCore core() {
    return core;
  }

  // ---- helpers

  private CompletableFuture<Object> keyed(byte[][] args, byte[] key, boolean idempotent) {
    return core.execute(withConsistency(args), key, idempotent);
  }

  private byte[][] withConsistency(byte[][] args) {
    return consistency == core.baseConsistency()
        ? args
        : ClientCore.atConsistency(consistency, args);
  }

  private static void requireKey(byte[] key) {
    Objects.requireNonNull(key, "key");
  }

  private static byte[] utf8(String s) {
    return Objects.requireNonNull(s).getBytes(StandardCharsets.UTF_8);
  }

  private static Void expectOk(Object reply) {
    if (!"OK".equals(reply)) {
      throw new PpdbClientException("unexpected reply to SET: " + describe(reply));
    }
    return null;
  }

  private static long asLong(Object reply) {
    if (reply instanceof Long n) {
      return n;
    }
    throw new PpdbClientException("unexpected reply: " + describe(reply) + " (expected: integer)");
  }

  private static String describe(Object reply) {
    return reply instanceof byte[] b ? "bulk of " + b.length + " bytes" : String.valueOf(reply);
  }

  private <T> T await(CompletableFuture<T> future) {
    if (!future.isDone() && core.onIoThread()) {
      // Waiting here would block the thread that must deliver the answer.
      throw new IllegalStateException(
          "a synchronous call on the client's I/O thread (in a future's callback):"
              + " use the *Async methods there");
    }
    long waitMillis = core.config.requestTimeout().toMillis() + SYNC_GRACE_MILLIS;
    try {
      return future.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = ClientCore.unwrap(e);
      if (cause instanceof PpdbClientException p) {
        throw p.rethrowable();
      }
      throw new PpdbClientException("request failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new PpdbTimeoutException("no answer within " + waitMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PpdbTimeoutException(
          "interrupted while waiting for the answer; the request may or may not take effect");
    }
  }
}
