package org.ppdb.peer.client;

import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One peer's client port as the client sees it: a small pool of {@link Connection}s, opened on
 * demand, and the reconnect backoff after failed connections.
 *
 * <p>Backoff: each failed connection attempt doubles the time during which the endpoint counts as
 * down, from {@link PpdbClientConfig#reconnectBackoffMin()} up to {@link
 * PpdbClientConfig#reconnectBackoffMax()}; a successful one resets it. Requests try endpoints that
 * are down only after every other candidate, so a dead peer costs one refused connection per
 * backoff period, not one per request.
 *
 * <p>Thread-safe: acquiring a connection is lock-free; opening, closing and the backoff state are
 * guarded by the endpoint's monitor.
 */
final class Endpoint {
  final InetSocketAddress address;
  private final ClientCore core;
  private final AtomicReferenceArray<Connection> slots;
  private final CompletableFuture<?>[] opening;
  private final AtomicInteger next = new AtomicInteger();

  /** Read on every request without the lock; 0 when the endpoint is not in backoff. */
  private volatile long downUntilNanos;

  private long backoffNanos;
  private boolean retired;

  Endpoint(InetSocketAddress address, ClientCore core) {
    this.address = address;
    this.core = core;
    int n = core.config.connectionsPerPeer();
    this.slots = new AtomicReferenceArray<>(n);
    this.opening = new CompletableFuture<?>[n];
  }

  /** A usable connection with a permit taken for one request, or {@code null} if none is free. */
  Connection tryAcquire() {
    int n = slots.length();
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      Connection c = slots.get((start + i) % n);
      if (c != null && c.usable() && c.permits.tryAcquire()) {
        return c;
      }
    }
    return null;
  }

  /**
   * Waits until {@code deadlineNanos} for a permit of the least busy usable connection.
   *
   * @return the connection with a permit taken, or {@code null} if there is none or time ran out
   */
  Connection acquireWaiting(long deadlineNanos) throws InterruptedException {
    Connection best = null;
    for (int i = 0; i < slots.length(); i++) {
      Connection c = slots.get(i);
      if (c != null && c.usable() && (best == null || c.inFlight() < best.inFlight())) {
        best = c;
      }
    }
    if (best == null) {
      return null;
    }
    long wait = deadlineNanos - System.nanoTime();
    return wait > 0 && best.permits.tryAcquire(wait, TimeUnit.NANOSECONDS) ? best : null;
  }

  /**
   * A connection being opened: an empty slot starts a new one. Completes with the ready connection
   * or exceptionally with {@link Request.ConnectionLost} (not sent) or {@link PpdbClientException}
   * (the server refused the connection's AUTH).
   *
   * @return {@code null} when every slot holds a usable connection (they are all busy)
   */
  synchronized CompletableFuture<?> opening() {
    for (int i = 0; i < slots.length(); i++) {
      if (opening[i] != null) {
        return opening[i];
      }
    }
    for (int i = 0; i < slots.length(); i++) {
      Connection c = slots.get(i);
      if (c == null || !c.open()) {
        return open(i);
      }
    }
    return null;
  }

  private CompletableFuture<?> open(int slot) {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    if (retired) {
      result.completeExceptionally(
          new Request.ConnectionLost("client is closed (" + address + ")", false));
      return result;
    }
    opening[slot] = result;
    Connection connection = core.newConnection(this);
    ChannelFuture connect = core.connect(address, connection);
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            opened(
                slot, connection, result, failed("cannot connect to " + this + ": " + f.cause()));
            return;
          }
          core.initialize(connection).whenComplete((ok, e) -> opened(slot, connection, result, e));
        });
    return result;
  }

  private static Throwable failed(String message) {
    return new Request.ConnectionLost(message, false);
  }

  private void opened(
      int slot, Connection connection, CompletableFuture<Connection> result, Throwable failure) {
    boolean close;
    synchronized (this) {
      opening[slot] = null;
      close = retired || failure != null;
      if (close) {
        if (!retired) {
          markDown();
        }
      } else {
        connection.ready = true;
        slots.set(slot, connection);
        backoffNanos = 0;
        downUntilNanos = 0;
      }
    }
    if (close) {
      connection.close();
      result.completeExceptionally(
          failure != null
              ? failure
              : new Request.ConnectionLost("client is closed (" + address + ")", false));
    } else {
      result.complete(connection);
    }
  }

  private void markDown() {
    long min = core.config.reconnectBackoffMin().toNanos();
    long max = core.config.reconnectBackoffMax().toNanos();
    backoffNanos = backoffNanos == 0 ? min : Math.min(max, backoffNanos * 2);
    downUntilNanos = core.backoffClock.getAsLong() + backoffNanos;
  }

  /** Whether the last connection attempt failed less than the backoff ago. */
  boolean down(long nowNanos) {
    long until = downUntilNanos;
    return until != 0 && nowNanos - until < 0;
  }

  /** Called on the event loop when {@code connection} ended. */
  void onClosed(Connection connection) {
    boolean wasInPool = false;
    synchronized (this) {
      for (int i = 0; i < slots.length(); i++) {
        if (slots.get(i) == connection) {
          slots.set(i, null);
          wasInPool = true;
        }
      }
    }
    if (wasInPool) {
      core.connectionLost(this);
    }
  }

  /** Closes every connection; later requests to this endpoint fail at once. */
  void retire() {
    synchronized (this) {
      retired = true;
    }
    for (int i = 0; i < slots.length(); i++) {
      Connection c = slots.get(i);
      if (c != null) {
        c.close();
      }
    }
  }

  /** Requests in flight on the open connections now (for tests and diagnostics). */
  int inFlight() {
    int n = 0;
    for (int i = 0; i < slots.length(); i++) {
      Connection c = slots.get(i);
      if (c != null && c.open()) {
        n += c.inFlight();
      }
    }
    return n;
  }

  /** Connections open now. */
  int openConnections() {
    int n = 0;
    for (int i = 0; i < slots.length(); i++) {
      Connection c = slots.get(i);
      if (c != null && c.open()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return address.getHostString() + ":" + address.getPort();
  }
}
