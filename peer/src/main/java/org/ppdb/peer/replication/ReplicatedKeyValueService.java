package org.ppdb.peer.replication;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.KeyValueService;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.api.ScanPage;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.node.NodeCore;
import org.ppdb.peer.node.NodeLoop;

/**
 * The {@link KeyValueService} of a peer: every request is handed to the node's thread, where the
 * {@link ReplicationCore} coordinates it across the key's replicas. The client front ends (Redis
 * protocol) call it from their event loops.
 *
 * <p>Requests this peer answers alone (one replica: N = 1, a one-peer ring, reads at ONE from a
 * replica) are served on the caller's thread by a {@link LocalPath} when one is attached; for the
 * others, when this peer is one of the key's replicas, its own replica's read or write is done
 * there too, ahead of the coordinator.
 *
 * <p>Cost: one hand-off to the node's queue per request, plus what the coordination costs. A full
 * node queue refuses the request at once with {@link OverloadedException} (backpressure: nothing
 * was done). Stages complete on the node's thread; callers must not block in their continuations.
 * Thread-safe.
 */
public final class ReplicatedKeyValueService implements KeyValueService {
  private volatile NodeLoop loop;
  private volatile LocalPath local;

  /**
   * A service that refuses requests (as overloaded: the peer is starting) until {@link #attach}
   * gives it the node's loop, so the client port can be bound before the node exists.
   */
  public ReplicatedKeyValueService() {}

  /** Starts serving through {@code nodeLoop}. */
  public void attach(NodeLoop nodeLoop) {
    attach(nodeLoop, null);
  }

  /**
   * Starts serving through {@code nodeLoop}, and answers the requests this peer serves alone on the
   * caller's thread through {@code localPath} (null: every request goes to the node).
   */
  public void attach(NodeLoop nodeLoop, LocalPath localPath) {
    this.local = localPath;
    this.loop = java.util.Objects.requireNonNull(nodeLoop, "nodeLoop");
  }

  @Override
  public CompletionStage<Optional<StoredValue>> get(byte[] key, Consistency consistency) {
    LocalPath path = local;
    if (path != null) {
      CompletableFuture<Optional<StoredValue>> answered = path.tryRead(key, consistency);
      if (answered != null) {
        return answered;
      }
      ReplicationCore.LocalAnswer local = path.readAhead(key);
      if (local != null) {
        return onNode((core, now) -> core.get(key, consistency, now, local));
      }
    }
    return onNode((core, now) -> core.get(key, consistency, now));
  }

  @Override
  public CompletionStage<Long> put(
      byte[] key, byte[] value, long expiresAtMillis, Consistency consistency) {
    java.util.Objects.requireNonNull(value, "value");
    return writeVersioned(key, value, expiresAtMillis, 0, consistency);
  }

  @Override
  public CompletionStage<Long> delete(byte[] key, Consistency consistency) {
    return writeVersioned(key, null, 0, 0, consistency);
  }

  @Override
  public CompletionStage<Long> writeVersioned(
      byte[] key, byte[] value, long expiresAtMillis, long version, Consistency consistency) {
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: " + expiresAtMillis + " (expected: >= 0)");
    }
    LocalPath path = local;
    if (path != null) {
      CompletableFuture<Long> answered =
          path.tryWrite(key, value, expiresAtMillis, version, consistency, coordinator);
      if (answered == null) {
        answered =
            path.writeAhead(key, value, expiresAtMillis, version, consistency, coordinator, ahead);
      }
      if (answered != null) {
        return answered;
      }
    }
    return coordinator.write(key, value, expiresAtMillis, version, consistency);
  }

  private final LocalPath.Coordinator coordinator =
      (key, value, expiresAtMillis, version, consistency) ->
          onNode(
              (core, now) ->
                  core.writeVersioned(key, value, expiresAtMillis, version, consistency, now));

  private final LocalPath.AheadCoordinator ahead =
      (written, consistency) -> onNode((core, now) -> core.write(written, consistency, now));

  @Override
  public CompletionStage<ScanPage> scan(byte[] afterKey, int limit, Consistency consistency) {
    return onNode((core, now) -> core.scan(afterKey, limit, consistency, now));
  }

  @Override
  public CompletionStage<Long> sizeEstimate() {
    return onNode(
        (core, now) -> CompletableFuture.completedFuture(core.replication().sizeEstimate()));
  }

  /** Requests waiting for the node's thread; more are refused as overload. */
  static final int QUEUED_MAX = 65_536;

  /** Most requests one turn on the node's thread starts. */
  static final int BATCH_MAX = 1_024;

  /** A request waiting for the node's thread, with its result to fail if it never gets there. */
  private record Waiting(
      java.util.function.Consumer<NodeCore> start, CompletableFuture<?> result) {}

  private final java.util.concurrent.ConcurrentLinkedQueue<Waiting> requests =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger queued =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean scheduled =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Hands a request to the node's thread. Requests from every client connection gather in one
   * queue, and one task on the node's loop starts all that arrived meanwhile: under load, one
   * hand-off (and at most one wake-up) per batch instead of per request.
   */
  private <T> CompletionStage<T> onNode(BiFunction<NodeCore, Long, CompletableFuture<T>> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    NodeLoop current = loop;
    if (current == null) {
      result.completeExceptionally(new OverloadedException("the peer is starting"));
      return result;
    }
    if (queued.incrementAndGet() > QUEUED_MAX) {
      queued.decrementAndGet();
      result.completeExceptionally(
          new OverloadedException("the node has " + QUEUED_MAX + " requests waiting"));
      return result;
    }
    requests.add(
        new Waiting(
            core -> {
              CompletableFuture<T> inner;
              try {
                inner = request.apply(core, current.nanoTime());
              } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
              }
              inner.whenComplete(
                  (value, error) -> {
                    if (error != null) {
                      result.completeExceptionally(error);
                    } else {
                      result.complete(value);
                    }
                  });
            },
            result));
    schedule(current);
    return result;
  }

  private void schedule(NodeLoop current) {
    if (requests.isEmpty() || !scheduled.compareAndSet(false, true)) {
      return; // a drain is queued or running; it checks the queue again before it ends
    }
    if (!current.submitBounded(core -> drain(core, current))) {
      scheduled.set(false);
      Waiting dropped;
      while ((dropped = requests.poll()) != null) {
        queued.decrementAndGet();
        dropped.result().completeExceptionally(new OverloadedException("the node has stopped"));
      }
    }
  }

  /** On the node's thread: starts the requests queued so far (at most {@link #BATCH_MAX}). */
  private void drain(NodeCore core, NodeLoop current) {
    Waiting next;
    int started = 0;
    while (started < BATCH_MAX && (next = requests.poll()) != null) {
      queued.decrementAndGet();
      next.start().accept(core);
      started++;
    }
    scheduled.set(false);
    schedule(current);
  }
}
