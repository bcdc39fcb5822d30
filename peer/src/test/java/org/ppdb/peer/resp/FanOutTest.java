package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FanOutTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 99})
  void windowIsRespectedAndResultsKeepCallOrder(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<CompletableFuture<Integer>> started = new ArrayList<>();
    List<Integer> startedIndex = new ArrayList<>();
    int[] maxInFlight = {0};
    CompletableFuture<List<Integer>> result =
        FanOut.run(
            100,
            7,
            i -> {
              CompletableFuture<Integer> f = new CompletableFuture<>();
              started.add(f);
              startedIndex.add(i);
              long open = started.stream().filter(s -> !s.isDone()).count();
              maxInFlight[0] = (int) Math.max(maxInFlight[0], open);
              return f;
            });
    while (!result.isDone()) {
      List<Integer> open = new ArrayList<>();
      for (int i = 0; i < started.size(); i++) {
        if (!started.get(i).isDone()) {
          open.add(i);
        }
      }
      int pick = open.get(random.nextInt(open.size()));
      started.get(pick).complete(startedIndex.get(pick) * 10);
    }
    assertThat(maxInFlight[0]).as("seed %d", seed).isEqualTo(7);
    assertThat(result.join())
        .as("seed %d", seed)
        .isEqualTo(IntStream.range(0, 100).map(i -> i * 10).boxed().toList());
  }

  @Test
  void synchronousCompletionsDoNotRecurse() {
    List<Integer> out = FanOut.run(200_000, 64, i -> CompletableFuture.completedFuture(i)).join();
    assertThat(out).hasSize(200_000);
    assertThat(out.get(199_999)).isEqualTo(199_999);
  }

  @Test
  void firstFailureFailsTheResultAndStopsStarting() {
    int[] calls = {0};
    CompletableFuture<List<Integer>> result =
        FanOut.run(
            1000,
            4,
            i -> {
              calls[0]++;
              return i == 10
                  ? CompletableFuture.failedFuture(new IllegalStateException("replica down"))
                  : CompletableFuture.completedFuture(i);
            });
    assertThatThrownBy(result::join)
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("replica down");
    assertThat(calls[0]).isEqualTo(11);
  }

  @Test
  void emptyFanOutCompletesAtOnce() {
    assertThat(FanOut.run(0, 1, i -> CompletableFuture.completedFuture(i)).join()).isEmpty();
  }
}
