package org.ppdb.peer.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.resp.TopologyEntry;
import org.ppdb.peer.ring.TokenRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every view of one {@link PpdbClient} shares: the event loops, the endpoints and their
 * connections, the routing snapshot built from the last topology, and the request path with its
 * failover rules.
 *
 * <h2>Routing and failover</h2>
 *
 * A keyed request goes to the key's replicas in ring order (primary first), then to any other
 * member, then to the seeds; endpoints whose last connection failed less than their backoff ago
 * come last. The next candidate is tried when the current one definitely did not run the request:
 * no connection could be opened, the connection ended before the request was written, or the server
 * answered {@code BUSY} or {@code NOREPLICAS}. Reads (idempotent) also fail over when the
 * connection ended after sending. A write whose connection ended after sending, and every request
 * that runs out of time, reports {@link PpdbTimeoutException}: resending a write could reorder it
 * after a later write of the same caller.
 *
 * <p>Thread-safe. Reply futures complete on the client's event loops.
 */
final class ClientCore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClientCore.class);

  /** Least time between two topology refreshes caused by connection errors, in nanoseconds. */
  static final long ERROR_REFRESH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** How long {@link #close} waits for the event loops to stop, in milliseconds. */
  static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

  static final byte[] PPDB_AT = Replies.ascii("PPDB.AT");
  private static final byte[] TOPOLOGY = Replies.ascii("PPDB.TOPOLOGY");

  final PpdbClientConfig config;
  final java.util.function.LongSupplier backoffClock;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final Map<InetSocketAddress, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final List<Endpoint> seeds;
  private final AtomicInteger keylessCounter = new AtomicInteger();
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final AtomicLong lastErrorRefreshNanos = new AtomicLong(System.nanoTime());
  private final long requestTimeoutNanos;
  private volatile Routing routing;

  /** The clock of client versions, or null when the config turns them off. */
  private final org.ppdb.peer.clock.HybridClock versionClock;

  /** Whether the servers are ppdb peers (they answered PPDB.TOPOLOGY), so writes may be stamped. */
  private volatile boolean ppdbServers;

  private volatile boolean closed;
  private volatile boolean consistencyCommandSupported = true;
  private ScheduledFuture<?> refreshTask;

  ClientCore(PpdbClientConfig config) {
    this(config, System::nanoTime);
  }

  /**
   * @param backoffClock the monotonic clock of reconnect backoff, in nanoseconds (tests step it)
   */
  ClientCore(PpdbClientConfig config, java.util.function.LongSupplier backoffClock) {
    this.config = config;
    this.backoffClock = backoffClock;
    this.requestTimeoutNanos = config.requestTimeout().toNanos();
    this.group =
        new MultiThreadIoEventLoopGroup(
            config.ioThreads(),
            new DefaultThreadFactory("ppdb-client", true),
            NioIoHandler.newFactory());
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
    List<Endpoint> seedList = new ArrayList<>();
    for (InetSocketAddress seed : config.seeds()) {
      Endpoint e = endpoint(seed);
      if (!seedList.contains(e)) {
        seedList.add(e);
      }
    }
    this.seeds = List.copyOf(seedList);
    this.routing = Routing.seedsOnly(seeds);
    // The writer tag only breaks ties between writers stamping the same millisecond and counter.
    this.versionClock =
        config.clientVersions()
            ? new org.ppdb.peer.clock.HybridClock(
                System::currentTimeMillis,
                java.util.concurrent.ThreadLocalRandom.current()
                    .nextInt(org.ppdb.peer.clock.HlcTimestamp.WRITER_TAG_MAX + 1),
                1_000)
            : null;
  }

  // ---- lifecycle

  /** Fetches the first topology (or settles for the seeds) and starts the periodic refresh. */
  void start() {
    CompletableFuture<Object> first = execute(new byte[][] {TOPOLOGY}, null, true);
    try {
      Object reply =
          first.get(requestTimeoutNanos + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
      installTopology(reply);
      ppdbServers = true;
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof PpdbClientException p && unknownCommand(p.getMessage())) {
        log.info("seeds do not know PPDB.TOPOLOGY: sending every request to the seeds");
      } else {
        throw new PpdbClientException(
            "cannot reach any seed of " + config.seeds() + ": " + cause.getMessage(), cause);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      throw new PpdbTimeoutException("no seed of " + config.seeds() + " answered in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PpdbClientException("interrupted while connecting to " + config.seeds());
    }
    long period = config.topologyRefreshInterval().toNanos();
    refreshTask =
        group.next().scheduleAtFixedRate(this::refresh, period, period, TimeUnit.NANOSECONDS);
  }

  boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (refreshTask != null) {
      refreshTask.cancel(false);
    }
    for (Endpoint e : endpoints.values()) {
      e.retire();
    }
    group
        .shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  // ---- connections

  Endpoint endpoint(InetSocketAddress address) {
    return endpoints.computeIfAbsent(address, a -> new Endpoint(a, this));
  }

  /** The endpoint of a {@code host:port} text as {@link Endpoint#toString()} gives it, if known. */
  Endpoint knownEndpoint(String hostPort) {
    for (Endpoint e : endpoints.values()) {
      if (e.toString().equals(hostPort)) {
        return e;
      }
    }
    return null;
  }

  Connection newConnection(Endpoint endpoint) {
    return new Connection(endpoint, config.requestsInFlightPerConnectionMax(), requestTimeoutNanos);
  }

  ChannelFuture connect(InetSocketAddress address, Connection connection) {
    int bulkMax = config.replyBulkBytesMax();
    return bootstrap
        .clone()
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new RedisDecoder(false))
                    .addLast(new BulkLimit(bulkMax))
                    .addLast(new RedisBulkStringAggregator())
                    .addLast(new RedisArrayAggregator())
                    .addLast(connection);
              }
            })
        .connect(address);
  }

  /**
   * Refuses a bulk string longer than the configured bound before the aggregator buffers it (the
   * aggregator's own bound is Redis' 512 MB).
   */
  private static final class BulkLimit extends io.netty.channel.ChannelInboundHandlerAdapter {
    private final int bulkBytesMax;

    BulkLimit(int bulkBytesMax) {
      this.bulkBytesMax = bulkBytesMax;
    }

    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof io.netty.handler.codec.redis.BulkStringHeaderRedisMessage header
          && header.bulkStringLength() > bulkBytesMax) {
        io.netty.util.ReferenceCountUtil.release(msg);
        ctx.fireExceptionCaught(
            new io.netty.handler.codec.TooLongFrameException(
                "bulkStringLength: "
                    + header.bulkStringLength()
                    + " (expected: <= "
                    + bulkBytesMax
                    + ")"));
        ctx.close();
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * The first commands of a connection, pipelined: AUTH if a password is set, and PPDB.CONSISTENCY
   * with the client's consistency (skipped for servers that do not know it).
   */
  CompletableFuture<Void> initialize(Connection connection) {
    long deadline = System.nanoTime() + config.connectTimeout().toNanos();
    List<CompletableFuture<Object>> replies = new ArrayList<>(2);
    byte[] password = config.password();
    if (password != null) {
      Request auth = new Request(new byte[][] {Replies.ascii("AUTH"), password}, deadline, false);
      connection.send(auth);
      replies.add(auth.reply);
    }
    Request consistency = null;
    if (consistencyCommandSupported) {
      consistency =
          new Request(
              new byte[][] {
                Replies.ascii("PPDB.CONSISTENCY"), Replies.ascii(config.consistency().name())
              },
              deadline,
              false);
      connection.send(consistency);
      replies.add(consistency.reply);
    }
    Request consistencyRequest = consistency;
    return CompletableFuture.allOf(replies.toArray(CompletableFuture<?>[]::new))
        .thenApply(
            ignored -> {
              for (CompletableFuture<Object> f : replies) {
                Object reply = f.join();
                if (reply instanceof Replies.ServerError error) {
                  if (consistencyRequest != null
                      && f == consistencyRequest.reply
                      && unknownCommand(error.message())) {
                    consistencyCommandSupported = false;
                    continue;
                  }
                  throw new CompletionException(
                      new PpdbClientException(connection.endpoint + ": " + error.message()));
                }
              }
              return null;
            });
  }

  /** Called when a pooled connection ended: the cluster may have changed. */
  void connectionLost(Endpoint endpoint) {
    if (!closed) {
      log.debug("connection to {} lost", endpoint);
      requestRefreshAfterError();
    }
  }

  boolean onIoThread() {
    for (EventExecutor e : group) {
      if (e.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  // ---- topology

  private void requestRefreshAfterError() {
    long now = System.nanoTime();
    long last = lastErrorRefreshNanos.get();
    if (now - last >= ERROR_REFRESH_INTERVAL_NANOS
        && lastErrorRefreshNanos.compareAndSet(last, now)) {
      refresh();
    }
  }

  /** Fetches the topology from any member and installs it; at most one refresh at a time. */
  void refresh() {
    if (closed || !refreshing.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<Object> reply;
    try {
      reply = execute(new byte[][] {TOPOLOGY}, null, true);
    } catch (RuntimeException e) {
      refreshing.set(false);
      return;
    }
    reply.whenComplete(
        (r, e) -> {
          try {
            if (e == null) {
              installTopology(r);
            } else {
              log.debug("topology refresh failed: {}", unwrap(e).toString());
            }
          } catch (RuntimeException bad) {
            log.warn("topology refresh: {}", bad.getMessage());
          } finally {
            refreshing.set(false);
          }
        });
  }

  /** Parses a {@code PPDB.TOPOLOGY} reply, installs it and returns its entries. */
  List<TopologyEntry> installTopology(Object reply) {
    Parsed parsed = parseTopology(reply);
    Map<String, Endpoint> byId = new HashMap<>();
    Map<String, long[]> tokens = new LinkedHashMap<>();
    List<Endpoint> alive = new ArrayList<>();
    List<Endpoint> others = new ArrayList<>();
    Map<String, Boolean> suspect = new HashMap<>();
    for (TopologyEntry e : parsed.entries) {
      if (TopologyEntry.STATUS_DEAD.equals(e.status())) {
        continue;
      }
      Endpoint endpoint = endpoint(new InetSocketAddress(e.clientHost(), e.clientPort()));
      byId.put(e.nodeIdHex(), endpoint);
      suspect.put(e.nodeIdHex(), !e.alive());
      if (e.normal()) {
        tokens.put(e.nodeIdHex(), e.tokens());
      }
      (e.normal() && e.alive() ? alive : others).add(endpoint);
    }
    TokenRing<String> ring =
        tokens.isEmpty() ? null : TokenRing.of(tokens, parsed.replicationFactor);
    List<Endpoint> all = new ArrayList<>(alive);
    all.addAll(others);
    routing =
        new Routing(parsed.entries, parsed.replicationFactor, ring, byId, suspect, all, seeds);
    // Endpoints no member and no seed uses any more: close their connections.
    for (Endpoint e : endpoints.values()) {
      if (!byId.containsValue(e) && !seeds.contains(e)) {
        endpoints.remove(e.address, e);
        e.retire();
      }
    }
    return parsed.entries;
  }

  Routing routing() {
    return routing;
  }

  /** Every endpoint the client knows now (for tests and diagnostics). */
  List<Endpoint> endpoints() {
    return List.copyOf(endpoints.values());
  }

  record Parsed(int replicationFactor, List<TopologyEntry> entries) {}

  /**
   * Reads {@code [N, [[id, host, port, state, status, [token, ...]], ...]]}.
   *
   * @throws PpdbClientException if the reply has another shape
   */
  static Parsed parseTopology(Object reply) {
    try {
      if (reply instanceof Replies.ServerError error) {
        throw new PpdbClientException(error.message());
      }
      List<?> top = (List<?>) reply;
      if (top.size() != 2) {
        throw new IllegalArgumentException("expected 2 elements, got " + top.size());
      }
      int n = Math.toIntExact((Long) top.get(0));
      if (n < 1) {
        throw new IllegalArgumentException("replication factor " + n);
      }
      List<TopologyEntry> entries = new ArrayList<>();
      for (Object item : (List<?>) top.get(1)) {
        List<?> f = (List<?>) item;
        if (f.size() != 6) {
          throw new IllegalArgumentException("member with " + f.size() + " fields (expected: 6)");
        }
        List<?> tokenList = (List<?>) f.get(5);
        long[] tokens = new long[tokenList.size()];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = Long.parseLong(Replies.utf8(tokenList.get(i)));
        }
        entries.add(
            new TopologyEntry(
                Replies.utf8(f.get(0)),
                Replies.utf8(f.get(1)),
                Math.toIntExact((Long) f.get(2)),
                Replies.utf8(f.get(3)),
                Replies.utf8(f.get(4)),
                tokens));
      }
      return new Parsed(n, List.copyOf(entries));
    } catch (ClassCastException | NullPointerException | ArithmeticException e) {
      throw new PpdbClientException("malformed PPDB.TOPOLOGY reply: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new PpdbClientException("malformed PPDB.TOPOLOGY reply: " + e.getMessage(), e);
    }
  }

  static boolean unknownCommand(String message) {
    return message != null && message.contains("unknown command");
  }

  // ---- requests

  /**
   * Runs one command with failover.
   *
   * @param routingKey the key whose replicas should coordinate, or {@code null} for any member
   * @param idempotent whether the command may be resent after its connection ended mid-flight
   */
  CompletableFuture<Object> execute(byte[][] args, byte[] routingKey, boolean idempotent) {
    Routing r = routing;
    List<Endpoint> first =
        routingKey != null ? r.replicas(routingKey) : r.rotation(keylessCounter.getAndIncrement());
    return start(new Op(args, idempotent, first, r, false));
  }

  /** Runs one command on {@code endpoint} only (a SCAN continuation). */
  CompletableFuture<Object> executeOn(Endpoint endpoint, byte[][] args) {
    return start(new Op(args, true, List.of(endpoint), routing, true));
  }

  private CompletableFuture<Object> start(Op op) {
    if (closed) {
      op.result.completeExceptionally(new PpdbClientException("client is closed"));
      return op.result;
    }
    op.attempt(!onIoThread());
    return op.result;
  }

  static final byte[] PPDB_VERSION = Replies.ascii("PPDB.VERSION");

  /**
   * {@code args} (a SET or DEL) stamped with a fresh client version ({@code PPDB.VERSION v ...}),
   * or as they are when client versions are off or the servers are not ppdb peers.
   */
  byte[][] stamped(byte[][] args) {
    if (versionClock == null || !ppdbServers) {
      return args;
    }
    byte[][] wrapped = new byte[args.length + 2][];
    wrapped[0] = PPDB_VERSION;
    wrapped[1] = Replies.ascii(Long.toString(versionClock.now()));
    System.arraycopy(args, 0, wrapped, 2, args.length);
    return wrapped;
  }

  static byte[][] atConsistency(Consistency c, byte[][] args) {
    byte[][] wrapped = new byte[args.length + 2][];
    wrapped[0] = PPDB_AT;
    wrapped[1] = Replies.ascii(c.name());
    System.arraycopy(args, 0, wrapped, 2, args.length);
    return wrapped;
  }

  Consistency baseConsistency() {
    return config.consistency();
  }

  /** One command's journey over its candidate endpoints. */
  private final class Op {
    final byte[][] args;
    final boolean idempotent;
    final List<Endpoint> first;
    final Routing routing;
    final boolean pinned;
    final long deadlineNanos = System.nanoTime() + requestTimeoutNanos;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    final List<Endpoint> tried = new ArrayList<>(4);
    Endpoint current;
    Throwable lastError;
    boolean sentOnce;

    Op(byte[][] args, boolean idempotent, List<Endpoint> first, Routing routing, boolean pinned) {
      this.args = args;
      this.idempotent = idempotent;
      this.first = first;
      this.routing = routing;
      this.pinned = pinned;
    }

    String name() {
      return new String(args[0], java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The next endpoint to try: live candidates in preference order, then those in backoff. */
    Endpoint nextCandidate() {
      long now = backoffClock.getAsLong();
      for (int pass = 0; pass < 2; pass++) {
        boolean acceptDown = pass == 1;
        Endpoint e = pick(first, now, acceptDown);
        if (e == null && !pinned) {
          e = pick(routing.all(), now, acceptDown);
          if (e == null) {
            e = pick(routing.seeds(), now, acceptDown);
          }
        }
        if (e != null) {
          return e;
        }
      }
      return null;
    }

    private Endpoint pick(List<Endpoint> list, long now, boolean acceptDown) {
      for (Endpoint e : list) {
        if (!tried.contains(e) && (acceptDown || !e.down(now))) {
          return e;
        }
      }
      return null;
    }

    /** Tries the current endpoint, or the next one; {@code mayBlock}: on a caller's thread. */
    void attempt(boolean mayBlock) {
      while (true) {
        if (closed) {
          result.completeExceptionally(new PpdbClientException("client is closed"));
          return;
        }
        if (System.nanoTime() - deadlineNanos >= 0) {
          fail(timedOut());
          return;
        }
        if (current == null) {
          current = nextCandidate();
          if (current == null) {
            fail(exhausted());
            return;
          }
          tried.add(current);
        }
        Endpoint e = current;
        Connection c = e.tryAcquire();
        if (c == null) {
          CompletableFuture<?> opening = e.opening();
          if (opening != null && mayBlock) {
            // A caller's thread waits for the connection here, so that it can still wait for a
            // free slot afterwards (backpressure) if other callers fill the new connection first.
            Throwable failure = awaitOpening(opening);
            if (failure != null) {
              lastError = failure;
              if (failure instanceof PpdbClientException) {
                fail(failure);
                return;
              }
              current = null;
            }
            continue;
          }
          if (opening != null) {
            opening.whenComplete(
                (ok, failure) -> {
                  if (failure != null) {
                    lastError = unwrap(failure);
                    if (lastError instanceof PpdbClientException) {
                      // The server refused the connection itself (AUTH): no use trying others.
                      fail(lastError);
                      return;
                    }
                    current = null;
                  }
                  attempt(false);
                });
            return;
          }
          if (mayBlock) {
            try {
              c = e.acquireWaiting(deadlineNanos);
            } catch (InterruptedException interrupted) {
              Thread.currentThread().interrupt();
              fail(new PpdbClientException(name() + ": interrupted while waiting for a free slot"));
              return;
            }
          }
          if (c == null) {
            // Every connection to this endpoint is busy: backpressure. A caller's thread waited
            // above; an event-loop thread may not wait, so it tries the next candidate.
            lastError =
                new PpdbClientException(
                    "overloaded: every connection to "
                        + e
                        + " has "
                        + config.requestsInFlightPerConnectionMax()
                        + " requests in flight");
            current = null;
            continue;
          }
        }
        send(c);
        return;
      }
    }

    /** Waits for {@code opening} until the deadline; returns its failure, or null. */
    private Throwable awaitOpening(CompletableFuture<?> opening) {
      try {
        opening.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        return null;
      } catch (java.util.concurrent.ExecutionException failed) {
        return unwrap(failed);
      } catch (java.util.concurrent.TimeoutException late) {
        return new Request.ConnectionLost("connecting to " + current + " took too long", false);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return new PpdbClientException(name() + ": interrupted while connecting to " + current);
      }
    }

    private void send(Connection c) {
      Request request = new Request(args, deadlineNanos, true);
      Endpoint e = current;
      request.reply.whenComplete((reply, failure) -> onReply(e, reply, failure));
      c.send(request);
    }

    private void onReply(Endpoint e, Object reply, Throwable failure) {
      if (failure != null) {
        Throwable cause = unwrap(failure);
        if (cause instanceof Request.ConnectionLost lost) {
          lastError = lost;
          sentOnce |= lost.sent;
          if (!lost.sent || idempotent) {
            current = null;
            attempt(false);
          } else {
            fail(
                new PpdbTimeoutException(
                    name() + ": " + lost.getMessage() + "; it may or may not have taken effect"));
          }
          return;
        }
        fail(cause);
        return;
      }
      if (reply instanceof Replies.ServerError error) {
        String code = error.code();
        if (code.equals("TIMEOUT")) {
          fail(new PpdbTimeoutException(error.message()));
          return;
        }
        if (code.equals("BUSY") || code.equals("NOREPLICAS")) {
          // Definite failures: nothing ran, so another coordinator may try.
          lastError = new PpdbClientException(e + ": " + error.message());
          current = null;
          attempt(false);
          return;
        }
        fail(new PpdbClientException(error.message()));
        return;
      }
      result.complete(reply);
    }

    private void fail(Throwable failure) {
      result.completeExceptionally(failure);
    }

    private PpdbClientException timedOut() {
      String message =
          name()
              + ": no answer within "
              + config.requestTimeout().toMillis()
              + " ms (tried "
              + tried
              + (lastError != null ? "; last error: " + lastError.getMessage() : "")
              + ")";
      return sentOnce ? new PpdbTimeoutException(message) : new PpdbClientException(message);
    }

    private PpdbClientException exhausted() {
      if (lastError instanceof PpdbClientException p
          && !(lastError instanceof PpdbTimeoutException)) {
        if (tried.size() == 1) {
          return p;
        }
      }
      String message =
          name()
              + ": no peer could run it (tried "
              + tried
              + (lastError != null ? "; last error: " + lastError.getMessage() : "")
              + ")";
      // A request that was sent and got no answer anywhere is indeterminate (for a read: retry).
      return sentOnce ? new PpdbTimeoutException(message) : new PpdbClientException(message);
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
