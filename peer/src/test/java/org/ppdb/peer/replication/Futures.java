package org.ppdb.peer.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Assertions on completed futures, shared by this package's tests. */
final class Futures {
  private Futures() {}

  /** The value of a future that must have completed normally. */
  static <T> T done(CompletableFuture<T> future) {
    assertThat(future).as("completed").isDone();
    return future.join();
  }

  /** The cause of a future that must have completed exceptionally. */
  static Throwable failure(CompletableFuture<?> future) {
    assertThat(future).as("completed").isDone();
    try {
      future.get();
      throw new AssertionError("expected a failure, got " + future.join());
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
