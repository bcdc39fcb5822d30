package org.ppdb.peer.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DueQueueTest {
  record Entry(long atNanos, long id) {}

  @Test
  void entriesOfOneDelayComeOutInTheirOrderAmongOthers() {
    DueQueue<Entry> q = new DueQueue<>(Entry::atNanos, Entry::id);
    q.add(100, new Entry(100, 1)); // armed at 0
    q.add(10, new Entry(15, 2)); // armed at 5
    q.add(100, new Entry(110, 3)); // armed at 10
    q.add(10, new Entry(20, 4)); // armed at 10
    q.add(100, new Entry(110, 0)); // same time as 3, lower id

    assertThat(q.size()).isEqualTo(5);
    assertThat(q.nextNanos()).isEqualTo(15);
    assertThat(q.poll().id()).isEqualTo(2);
    assertThat(q.poll().id()).isEqualTo(4);
    assertThat(q.poll().id()).isEqualTo(1);
    assertThat(q.poll().id()).isEqualTo(0);
    assertThat(q.poll().id()).isEqualTo(3);
    assertThat(q.poll()).isNull();
    assertThat(q.nextNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(q.size()).isZero();
  }

  /**
   * Against a heap model: a few fixed delays plus one-off ones (more than the lanes), a clock that
   * mostly advances and sometimes steps back, adds and polls interleaved.
   */
  @Test
  void pollsInTheOrderOfAHeap() {
    for (long seed = 1; seed <= 50; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      Comparator<Entry> order =
          Comparator.comparingLong(Entry::atNanos).thenComparingLong(Entry::id);
      PriorityQueue<Entry> model = new PriorityQueue<>(order);
      DueQueue<Entry> q = new DueQueue<>(Entry::atNanos, Entry::id);
      long[] fixedDelays = {2_000, 200, 30_000};
      long now = 0;
      long id = 0;
      for (int step = 0; step < 5_000; step++) {
        now += random.nextInt(10) == 0 ? -random.nextInt(500) : random.nextInt(50);
        if (random.nextInt(3) > 0) {
          long delay =
              random.nextInt(20) == 0
                  ? 1 + random.nextInt(100_000)
                  : fixedDelays[random.nextInt(fixedDelays.length)];
          Entry e = new Entry(now + delay, id++);
          q.add(delay, e);
          model.add(e);
        } else {
          assertThat(q.poll()).as("seed %d step %d", seed, step).isEqualTo(model.poll());
        }
        assertThat(q.size()).as("seed %d", seed).isEqualTo(model.size());
      }
      while (!model.isEmpty()) {
        assertThat(q.poll()).as("seed %d draining", seed).isEqualTo(model.poll());
      }
      assertThat(q.poll()).isNull();
    }
  }
}
