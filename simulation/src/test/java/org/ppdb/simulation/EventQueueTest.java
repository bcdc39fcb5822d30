package org.ppdb.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {

  private record Entry(long time, long sequence) {}

  @Test
  void pollsInTimeThenSchedulingOrderAgainstASortedReference() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      EventQueue queue = new EventQueue(1);
      List<Entry> reference = new ArrayList<>();
      List<Entry> polled = new ArrayList<>();
      for (int op = 0; op < 5_000; op++) {
        if (queue.isEmpty() || random.nextInt(3) != 0) {
          // Few distinct times so that ties are common.
          long time = random.nextLong(50);
          long sequence = queue.add(time, null);
          reference.add(new Entry(time, sequence));
        } else {
          long time = queue.peekTime();
          long sequence = queue.peekSequence();
          queue.poll();
          polled.add(new Entry(time, sequence));
          Entry expected =
              reference.stream()
                  .min(Comparator.comparingLong(Entry::time).thenComparingLong(Entry::sequence))
                  .orElseThrow();
          assertThat(new Entry(time, sequence)).as("seed %d op %d", seed, op).isEqualTo(expected);
          reference.remove(expected);
        }
      }
      assertThat(queue.size()).as("seed %d", seed).isEqualTo(reference.size());
    }
  }

  @Test
  void returnsTheEventsThemselvesInOrder() {
    EventQueue queue = new EventQueue(2);
    queue.add(30, "c");
    queue.add(10, "a");
    queue.add(20, "b1");
    queue.add(20, "b2");
    List<Object> out = new ArrayList<>();
    while (!queue.isEmpty()) {
      out.add(queue.poll());
    }
    assertThat(out).containsExactly("a", "b1", "b2", "c");
  }

  @Test
  void rejectsANonPositiveCapacity() {
    assertThatThrownBy(() -> new EventQueue(0)).hasMessage("initialCapacity: 0 (expected: > 0)");
  }
}
