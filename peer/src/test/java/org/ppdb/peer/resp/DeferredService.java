package org.ppdb.peer.resp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.KeyValueService;
import org.ppdb.peer.api.ScanPage;
import org.ppdb.peer.api.StoredValue;

/**
 * A {@link KeyValueService} that holds every call until the test releases it, then runs it on the
 * wrapped service: an asynchronous backend whose completion order the test chooses. A call runs
 * only when released, so a front end that started a dependent command too early would observe it.
 */
final class DeferredService implements KeyValueService {
  private final KeyValueService target;
  private final List<Runnable> pending = new ArrayList<>();
  final List<Consistency> consistencies = new ArrayList<>();

  DeferredService(KeyValueService target) {
    this.target = target;
  }

  int pending() {
    return pending.size();
  }

  /** Runs one held call chosen by {@code random}; false if none is held. */
  boolean releaseOne(RandomGenerator random) {
    if (pending.isEmpty()) {
      return false;
    }
    pending.remove(random.nextInt(pending.size())).run();
    return true;
  }

  void releaseAll(RandomGenerator random) {
    while (releaseOne(random)) {
      // Releasing may start further commands, which add new held calls.
    }
  }

  private <T> CompletionStage<T> defer(Supplier<CompletionStage<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    pending.add(
        () ->
            call.get()
                .whenComplete(
                    (v, e) -> {
                      if (e != null) {
                        result.completeExceptionally(e);
                      } else {
                        result.complete(v);
                      }
                    }));
    return result;
  }

  @Override
  public CompletionStage<Optional<StoredValue>> get(byte[] key, Consistency consistency) {
    consistencies.add(consistency);
    return defer(() -> target.get(key, consistency));
  }

  @Override
  public CompletionStage<Long> put(
      byte[] key, byte[] value, long expiresAtMillis, Consistency consistency) {
    consistencies.add(consistency);
    return defer(() -> target.put(key, value, expiresAtMillis, consistency));
  }

  @Override
  public CompletionStage<Long> delete(byte[] key, Consistency consistency) {
    consistencies.add(consistency);
    return defer(() -> target.delete(key, consistency));
  }

  @Override
  public CompletionStage<Long> writeVersioned(
      byte[] key, byte[] value, long expiresAtMillis, long version, Consistency consistency) {
    consistencies.add(consistency);
    return defer(() -> target.writeVersioned(key, value, expiresAtMillis, version, consistency));
  }

  @Override
  public CompletionStage<ScanPage> scan(byte[] afterKey, int limit, Consistency consistency) {
    consistencies.add(consistency);
    return defer(() -> target.scan(afterKey, limit, consistency));
  }

  @Override
  public CompletionStage<Long> sizeEstimate() {
    return defer(target::sizeEstimate);
  }
}
