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
 * <p>Cost: one hand-off to the node's queue per request, plus what the coordination costs. A full
 * node queue refuses the request at once with {@link OverloadedException} (backpressure: nothing
 * was done). Stages complete on the node's thread; callers must not block in their continuations.
 * Thread-safe.
 */
public final class ReplicatedKeyValueService implements KeyValueService {
  private volatile NodeLoop loop;

  /**
   * A service that refuses requests (as overloaded: the peer is starting) until {@link #attach}
   * gives it the node's loop, so the client port can be bound before the node exists.
   */
  public ReplicatedKeyValueService() {}

  /**
   * @param loop the loop of a node built with a data path
   */
  public ReplicatedKeyValueService(NodeLoop loop) {
    this.loop = loop;
  }

  /** Starts serving through {@code nodeLoop}. */
  public void attach(NodeLoop nodeLoop) {
    this.loop = java.util.Objects.requireNonNull(nodeLoop, "nodeLoop");
  }

  @Override
  public CompletionStage<Optional<StoredValue>> get(byte[] key, Consistency consistency) {
    return onNode((core, now) -> core.get(key, consistency, now));
  }

  @Override
  public CompletionStage<Long> put(
      byte[] key, byte[] value, long expiresAtMillis, Consistency consistency) {
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: " + expiresAtMillis + " (expected: >= 0)");
    }
    return onNode((core, now) -> core.put(key, value, expiresAtMillis, consistency, now));
  }

  @Override
  public CompletionStage<Long> delete(byte[] key, Consistency consistency) {
    return onNode((core, now) -> core.delete(key, consistency, now));
  }

  @Override
  public CompletionStage<ScanPage> scan(byte[] afterKey, int limit, Consistency consistency) {
    return onNode((core, now) -> core.scan(afterKey, limit, consistency, now));
  }

  @Override
  public CompletionStage<Long> sizeEstimate() {
    return onNode(
        (core, now) -> CompletableFuture.completedFuture(core.replication().sizeEstimate()));
  }

  private <T> CompletionStage<T> onNode(BiFunction<NodeCore, Long, CompletableFuture<T>> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    NodeLoop current = loop;
    if (current == null) {
      result.completeExceptionally(new OverloadedException("the peer is starting"));
      return result;
    }
    boolean queued =
        current.submit(
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
            });
    if (!queued) {
      result.completeExceptionally(
          new OverloadedException(
              current.isRunning() ? "the node's queue is full" : "the node has stopped"));
    }
    return result;
  }
}
