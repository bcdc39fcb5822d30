package org.ppdb.peer.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Gathers the items an event loop produces while it handles one round of I/O and hands them to
 * {@code commit} together, in a task the loop runs right after that round: the storage writes of
 * every command or message that arrived in the same round become one engine batch (one log append,
 * one group commit) without a wait for another thread. A caller that is not on an event loop
 * commits its item at once, alone.
 *
 * <p>Each event-loop thread has its own batch (a thread-local), so no lock is taken; {@code commit}
 * runs on the thread that added the items. A round is cut at {@code groupMax} items, committed
 * inline by the add that reached it.
 */
final class RoundBatcher<T> {
  private final Supplier<Executor> currentLoop;
  private final int groupMax;
  private final Consumer<List<T>> commit;
  private final ThreadLocal<Round<T>> rounds = ThreadLocal.withInitial(Round::new);

  /**
   * @param currentLoop the event loop the calling thread runs, or null on any other thread
   * @param groupMax most items one commit carries
   * @param commit applies a batch (never empty) on the thread that gathered it
   */
  RoundBatcher(Supplier<Executor> currentLoop, int groupMax, Consumer<List<T>> commit) {
    if (groupMax < 1) {
      throw new IllegalArgumentException("groupMax: " + groupMax + " (expected: >= 1)");
    }
    this.currentLoop = Objects.requireNonNull(currentLoop, "currentLoop");
    this.groupMax = groupMax;
    this.commit = Objects.requireNonNull(commit, "commit");
  }

  /** Adds {@code item} to this loop's round, or commits it at once off an event loop. */
  void add(T item) {
    Executor loop = currentLoop.get();
    if (loop == null) {
      commit.accept(List.of(item));
      return;
    }
    Round<T> round = rounds.get();
    round.items.add(item);
    if (round.items.size() >= groupMax) {
      commit.accept(round.take());
    } else if (!round.scheduled) {
      round.scheduled = true;
      try {
        loop.execute(
            () -> {
              round.scheduled = false;
              List<T> items = round.take();
              if (!items.isEmpty()) {
                commit.accept(items);
              }
            });
      } catch (RejectedExecutionException e) {
        round.scheduled = false; // the loop is shutting down: apply what gathered now
        commit.accept(round.take());
      }
    }
  }

  private static final class Round<T> {
    List<T> items = new ArrayList<>();
    boolean scheduled;

    List<T> take() {
      List<T> taken = items;
      items = new ArrayList<>();
      return taken;
    }
  }
}
