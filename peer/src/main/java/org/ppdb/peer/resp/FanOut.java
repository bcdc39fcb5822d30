package org.ppdb.peer.resp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

/**
 * Runs {@code count} asynchronous calls with at most {@code window} in flight, and collects their
 * results in call order: how a multi-key command (MGET, MSET, DEL, EXISTS with up to {@code
 * argumentsMax} keys) reaches the backend without flooding it with thousands of concurrent
 * requests.
 *
 * <p>Calls that complete synchronously do not recurse: a trampoline ({@code pumping}) keeps the
 * stack flat however many there are. The first failure fails the result; calls not yet started are
 * then not started. Thread-safe: completions may arrive on any thread.
 */
final class FanOut<T> {
  private final int count;
  private final int window;
  private final IntFunction<CompletionStage<T>> call;
  private final Object[] results;
  private final CompletableFuture<List<T>> result = new CompletableFuture<>();
  private int next;
  private int inFlight;
  private int done;
  private boolean pumping;
  private boolean failed;

  private FanOut(int count, int window, IntFunction<CompletionStage<T>> call) {
    this.count = count;
    this.window = window;
    this.call = call;
    this.results = new Object[count];
  }

  /**
   * Starts calls {@code 0..count-1}, at most {@code window} at a time.
   *
   * @return the results in index order
   */
  static <T> CompletableFuture<List<T>> run(
      int count, int window, IntFunction<CompletionStage<T>> call) {
    if (count < 0) {
      throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
    }
    if (window < 1) {
      throw new IllegalArgumentException("window: " + window + " (expected: >= 1)");
    }
    FanOut<T> fanOut = new FanOut<>(count, window, call);
    if (count == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    fanOut.pump();
    return fanOut.result;
  }

  private void pump() {
    synchronized (this) {
      if (pumping) {
        return;
      }
      pumping = true;
    }
    while (true) {
      int index;
      synchronized (this) {
        if (failed || next >= count || inFlight >= window) {
          pumping = false;
          return;
        }
        index = next++;
        inFlight++;
      }
      CompletionStage<T> stage;
      try {
        stage = call.apply(index);
      } catch (RuntimeException e) {
        onDone(index, null, e);
        continue;
      }
      stage.whenComplete((value, error) -> onDone(index, value, error));
    }
  }

  @SuppressWarnings("unchecked")
  private void onDone(int index, T value, Throwable error) {
    boolean complete;
    Throwable failure = null;
    synchronized (this) {
      inFlight--;
      if (error != null) {
        if (failed) {
          return;
        }
        failed = true;
        failure = error;
        complete = false;
      } else {
        results[index] = value;
        done++;
        complete = done == count;
      }
    }
    if (failure != null) {
      result.completeExceptionally(failure);
      return;
    }
    if (complete) {
      List<T> list = new ArrayList<>(count);
      for (Object o : results) {
        list.add((T) o);
      }
      Arrays.fill(results, null);
      result.complete(list);
      return;
    }
    pump();
  }
}
