package org.ppdb.simulation.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistoryTest {

  @Test
  void operationsAreRecordedInvokeThenCompletion() {
    History h = new History();
    int w = h.invoke(1, Operation.Kind.WRITE, "k", "a", 10);
    int r = h.invoke(2, Operation.Kind.READ, "k", null, 11);
    h.ok(w, 20);
    h.okRead(r, "a", 21);
    int d = h.invoke(1, Operation.Kind.DELETE, "k", null, 30);
    h.info(d, "timed out", 40);

    assertThat(h.size()).isEqualTo(3);
    assertThat(h.operation(w).outcome()).isEqualTo(Operation.Outcome.OK);
    assertThat(h.operation(w).completeNanos()).isEqualTo(20);
    assertThat(h.operation(r).value()).isEqualTo("a");
    assertThat(h.operation(d).outcome()).isEqualTo(Operation.Outcome.INFO);
    assertThat(h.operation(d).error()).isEqualTo("timed out");
    assertThat(h.keys()).containsExactly("k");
    assertThat(h.ofKey("k")).extracting(Operation::id).containsExactly(w, r, d);
    assertThat(h.pendingCount()).isZero();
  }

  @Test
  void aProcessHasOneOperationPendingAtATime() {
    History h = new History();
    int w = h.invoke(1, Operation.Kind.WRITE, "k", "a", 0);
    assertThatThrownBy(() -> h.invoke(1, Operation.Kind.READ, "k", null, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pending");
    h.fail(w, "no replicas", 2);
    h.invoke(1, Operation.Kind.READ, "k", null, 3);
    assertThat(h.pendingCount()).isEqualTo(1);
  }

  @Test
  void anOperationCompletesOnceAndNotBeforeTheLastRecordedTime() {
    History h = new History();
    int w = h.invoke(1, Operation.Kind.WRITE, "k", "a", 5);
    h.ok(w, 6);
    assertThatThrownBy(() -> h.ok(w, 7)).hasMessageContaining("already completed OK");
    int r = h.invoke(1, Operation.Kind.READ, "k", null, 8);
    assertThatThrownBy(() -> h.okRead(r, "a", 7)).hasMessageContaining("time never goes back");
    assertThatThrownBy(() -> h.ok(r, 9)).hasMessageContaining("is a read");
    assertThatThrownBy(() -> h.okRead(w, "a", 9)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void valuesAreRequiredForWritesOnly() {
    History h = new History();
    assertThatThrownBy(() -> h.invoke(0, Operation.Kind.WRITE, "k", null, 0))
        .hasMessageContaining("expected: a value for a write");
    assertThatThrownBy(() -> h.invoke(0, Operation.Kind.READ, "k", "x", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.invoke(-1, Operation.Kind.READ, "k", null, 0))
        .hasMessageContaining("process: -1");
  }

  @Test
  void renderPrintsEachKeysEventsInTimeOrder() {
    History h = new History();
    int w = h.invoke(3, Operation.Kind.WRITE, "k", "v1", 1_000_000_000L);
    int r = h.invoke(4, Operation.Kind.READ, "k", null, 1_500_000_000L);
    h.invoke(5, Operation.Kind.READ, "other", null, 1_600_000_000L);
    h.okRead(r, null, 1_700_000_000L);
    h.info(w, "request timed out", 2_000_000_000L);

    String text = h.render("k", 10);
    assertThat(text.lines())
        .containsExactly(
            "    1.000000 s  p3    #0       invoke write k = \"v1\"",
            "    1.500000 s  p4    #1       invoke read k",
            "    1.700000 s  p4    #1       ok     read k -> nil",
            "    2.000000 s  p3    #0       info   write k = \"v1\"  (request timed out)");
    assertThat(h.render("k", 2).lines()).hasSize(3).first().asString().contains("2 earlier lines");
    assertThat(h.render("k", 2)).contains("info   write k");
  }
}
