package org.ppdb.simulation.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RegisterCheckerTest {

  private static final long HEAL = 10_000;

  private static final RegisterChecker CHECKER = new RegisterChecker(HEAL, false);

  /** Key "k" is written by process 0 only; readers are processes 1 and up. */
  private static int write(History h, String value, long at, long until, String outcome) {
    int id =
        h.invoke(0, value == null ? Operation.Kind.DELETE : Operation.Kind.WRITE, "k", value, at);
    switch (outcome) {
      case "ok" -> h.ok(id, until);
      case "fail" -> h.fail(id, "replicas unavailable", until);
      case "info" -> h.info(id, "timed out", until);
      default -> throw new IllegalArgumentException(outcome);
    }
    return id;
  }

  private static void read(History h, int p, String value, long at, long until) {
    int id = h.invoke(p, Operation.Kind.READ, "k", null, at);
    h.okRead(id, value, until);
  }

  private static void assertOnly(Verdict v, Anomaly.Kind kind, long count, History h) {
    for (Anomaly.Kind k : Anomaly.Kind.values()) {
      assertThat(v.count(k))
          .as("%s in %s%n%s", k, v, h.render("k", 50))
          .isEqualTo(k == kind ? count : 0);
    }
  }

  @Test
  void theLastAcknowledgedValueAfterTheHealIsValid() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    read(h, 1, "v1", 20, 30);
    write(h, "v2", 40, 50, "ok");
    read(h, 1, "v2", 60, 70);
    read(h, 2, "v2", HEAL, HEAL + 5);

    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isTrue();
    assertOnly(v, Anomaly.Kind.STALE_READ, 0, h);
    assertThat(v.count("ok writes")).isEqualTo(2);
    assertThat(v.count("final reads")).isEqualTo(1);
  }

  @Test
  void aLaterIndeterminateWriteMayWin() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    write(h, "v2", 20, 30, "info");
    write(h, "v3", 40, 50, "fail");
    read(h, 1, "v2", HEAL, HEAL + 5);

    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isTrue();
    assertThat(v.count("final values from indeterminate writes")).isEqualTo(1);
    assertThat(v.count("indeterminate writes")).isEqualTo(1);
    assertThat(v.count("failed writes")).isEqualTo(1);
  }

  @Test
  void anOlderValueAfterTheHealIsARegression() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    write(h, "v2", 20, 30, "ok");
    read(h, 1, "v1", HEAL, HEAL + 5);

    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isFalse();
    assertOnly(v, Anomaly.Kind.REGISTER_REGRESSION, 1, h);
    assertThat(v.describeFailures(h))
        .contains("returned \"v1\" of write #0 but the last ok write is #1");
  }

  @Test
  void anEarlierIndeterminateWriteWinningOverALaterAcknowledgedOneIsARegression() {
    // The info write's effect arrived late with a higher version than the acknowledged one:
    // exactly what clock skew between coordinators can cause under last-writer-wins.
    History h = new History();
    write(h, "v1", 0, 10, "info");
    write(h, "v2", 20, 30, "ok");
    read(h, 1, "v1", HEAL, HEAL + 5);
    assertOnly(CHECKER.check(h), Anomaly.Kind.REGISTER_REGRESSION, 1, h);
  }

  @Test
  void anAbsentKeyAfterAnAcknowledgedWriteIsARegression() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    read(h, 1, null, HEAL, HEAL + 5);
    Verdict v = CHECKER.check(h);
    assertOnly(v, Anomaly.Kind.REGISTER_REGRESSION, 1, h);
    assertThat(v.samples().get(0).description()).contains("nil (never written)");
  }

  @Test
  void deletesAreWritesOfAbsence() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    write(h, null, 20, 30, "ok");
    read(h, 1, null, 40, 50);
    read(h, 1, null, HEAL, HEAL + 5);
    assertThat(CHECKER.check(h).valid()).isTrue();

    History resurrected = new History();
    write(resurrected, "v1", 0, 10, "ok");
    write(resurrected, null, 20, 30, "ok");
    read(resurrected, 1, "v1", HEAL, HEAL + 5); // the tombstone lost to the older value
    assertOnly(CHECKER.check(resurrected), Anomaly.Kind.REGISTER_REGRESSION, 1, resurrected);

    History failedDelete = new History();
    write(failedDelete, "v1", 0, 10, "ok");
    write(failedDelete, null, 20, 30, "fail");
    read(failedDelete, 1, null, HEAL, HEAL + 5); // only a failed delete could explain absence
    assertOnly(CHECKER.check(failedDelete), Anomaly.Kind.REGISTER_REGRESSION, 1, failedDelete);
  }

  @Test
  void aValueNeverWrittenOrNotYetWrittenIsAPhantom() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    read(h, 1, "v9", 20, 30);
    read(h, 1, "v2", 40, 50); // v2's write is invoked only later
    write(h, "v2", 60, 70, "ok");
    read(h, 1, "v2", HEAL, HEAL + 5);
    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isFalse();
    assertOnly(v, Anomaly.Kind.PHANTOM_READ, 2, h);
  }

  @Test
  void aFailedWriteMustNeverBeSeen() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    write(h, "v2", 20, 30, "fail");
    read(h, 1, "v2", 40, 50);
    read(h, 1, "v1", HEAL, HEAL + 5);
    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isFalse();
    assertOnly(v, Anomaly.Kind.FAILED_WRITE_VISIBLE, 1, h);
  }

  @Test
  void aReadOfAnOlderValueThanACompletedWriteIsStaleAndFailsOnlyWhenStrict() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    write(h, "v2", 20, 30, "ok");
    read(h, 1, "v1", 31, 40); // began after v2 was acknowledged
    read(h, 1, "v2", HEAL, HEAL + 5);

    Verdict lenient = CHECKER.check(h);
    assertThat(lenient.valid()).isTrue();
    assertOnly(lenient, Anomaly.Kind.STALE_READ, 1, h);
    assertThat(new RegisterChecker(HEAL, true).check(h).valid()).isFalse();
  }

  @Test
  void aReadConcurrentWithAWriteMaySeeEitherValue() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    int w2 = h.invoke(0, Operation.Kind.WRITE, "k", "v2", 20);
    int r1 = h.invoke(1, Operation.Kind.READ, "k", null, 21);
    int r2 = h.invoke(2, Operation.Kind.READ, "k", null, 22);
    h.okRead(r1, "v1", 25);
    h.okRead(r2, "v2", 26);
    h.ok(w2, 30);
    read(h, 1, "v2", HEAL, HEAL + 5);
    Verdict strict = new RegisterChecker(HEAL, true).check(h);
    assertThat(strict.valid()).as(strict.describeFailures(h)).isTrue();
  }

  @Test
  void anAcknowledgedKeyWithoutAnOkFinalReadIsUnverified() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    read(h, 1, "v1", 20, 30);
    Verdict v = CHECKER.check(h);
    assertOnly(v, Anomaly.Kind.UNVERIFIED, 1, h);

    History never = new History(); // no ok write: nothing to verify
    write(never, "v1", 0, 10, "info");
    assertThat(CHECKER.check(never).valid()).isTrue();
  }

  @Test
  void twoWritersOfAKeyAreNotThisWorkload() {
    History h = new History();
    write(h, "v1", 0, 10, "ok");
    int other = h.invoke(5, Operation.Kind.WRITE, "k", "v2", 20);
    h.ok(other, 30);
    assertThatThrownBy(() -> CHECKER.check(h)).hasMessageContaining("expected: a single writer");

    History twice = new History();
    write(twice, "v1", 0, 10, "ok");
    write(twice, "v1", 20, 30, "ok");
    assertThatThrownBy(() -> CHECKER.check(twice)).hasMessageContaining("written twice");
  }

  /**
   * Histories of an atomic register (each operation takes effect at one random instant inside its
   * interval, info writes sometimes never) are linearizable, so they pass even the strict check;
   * replacing one final read's value by an older acknowledged one is always caught.
   */
  @Test
  void generatedLinearizableHistoriesPassAndAnInjectedRegressionIsCaught() {
    for (long seed = 1; seed <= 200; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      History h = linearizableHistory(random, HEAL);
      Verdict strict = new RegisterChecker(HEAL, true).check(h);
      assertThat(strict.valid()).as("seed %d: %s%n%s", seed, strict, h.render("k", 200)).isTrue();

      List<String> acknowledged = new ArrayList<>();
      String lastOk = null;
      for (Operation op : h.ofKey("k")) {
        if (op.kind() == Operation.Kind.WRITE && op.ok()) {
          acknowledged.add(op.value());
          lastOk = op.value();
        }
      }
      if (acknowledged.size() < 2) {
        continue;
      }
      History broken = replay(h, acknowledged.get(0));
      Verdict v = CHECKER.check(broken);
      assertThat(v.count(Anomaly.Kind.REGISTER_REGRESSION))
          .as("seed %d, last ok %s%n%s", seed, lastOk, broken.render("k", 200))
          .isPositive();
    }
  }

  /** A single-writer register over one key, with readers, checked at time {@code heal}. */
  private static History linearizableHistory(SplittableRandom random, long heal) {
    record Event(long atNanos, int process, boolean invoke, int op) {}
    // Plan intervals first, then apply effects at a random instant inside each.
    int processes = 4;
    long[] free = new long[processes];
    List<long[]> ops = new ArrayList<>(); // {process, kind(0 write,1 read,2 delete), start, end}
    for (int i = 0; i < 60; i++) {
      int p = random.nextInt(processes);
      int kind = p == 0 ? (random.nextInt(8) == 0 ? 2 : 0) : 1;
      long start = free[p] + 1 + random.nextLong(30);
      long end = start + 1 + random.nextLong(40);
      if (end >= heal) {
        break;
      }
      free[p] = end;
      ops.add(new long[] {p, kind, start, end});
    }
    // Effects: each write takes effect at a random point in its interval (or never: fail/info).
    int n = ops.size();
    long[] effectAt = new long[n];
    String[] outcome = new String[n];
    for (int i = 0; i < n; i++) {
      long[] o = ops.get(i);
      effectAt[i] = o[2] + random.nextLong(o[3] - o[2] + 1);
      if (o[1] != 1) {
        int r = random.nextInt(10);
        outcome[i] = r < 7 ? "ok" : r < 9 ? "info" : "fail";
        if (outcome[i].equals("fail") || (outcome[i].equals("info") && random.nextBoolean())) {
          effectAt[i] = Long.MAX_VALUE; // never happens
        }
      }
    }
    // Register value at any instant = the write with the latest effect at or before it.
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new Event(ops.get(i)[2], (int) ops.get(i)[0], true, i));
      events.add(new Event(ops.get(i)[3], (int) ops.get(i)[0], false, i));
    }
    events.sort(
        (a, b) ->
            a.atNanos != b.atNanos
                ? Long.compare(a.atNanos, b.atNanos)
                : Boolean.compare(a.invoke, b.invoke)); // completions first at equal times
    History h = new History();
    int[] ids = new int[n];
    for (Event e : events) {
      long[] o = ops.get(e.op);
      if (e.invoke) {
        Operation.Kind kind =
            o[1] == 0
                ? Operation.Kind.WRITE
                : o[1] == 1 ? Operation.Kind.READ : Operation.Kind.DELETE;
        ids[e.op] =
            h.invoke(
                e.process, kind, "k", kind == Operation.Kind.WRITE ? "v" + e.op : null, e.atNanos);
      } else if (o[1] == 1) {
        h.okRead(ids[e.op], valueAt(ops, effectAt, effectAt[e.op]), e.atNanos);
      } else {
        switch (outcome[e.op]) {
          case "ok" -> h.ok(ids[e.op], e.atNanos);
          case "info" -> h.info(ids[e.op], "timed out", e.atNanos);
          default -> h.fail(ids[e.op], "unavailable", e.atNanos);
        }
      }
    }
    long end = heal;
    for (int p = 1; p < processes; p++) {
      int id = h.invoke(p, Operation.Kind.READ, "k", null, end);
      h.okRead(id, valueAt(ops, effectAt, Long.MAX_VALUE - 1), end + 1);
      end += 2;
    }
    return h;
  }

  private static String valueAt(List<long[]> ops, long[] effectAt, long instant) {
    int latest = -1;
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i)[1] != 1
          && effectAt[i] <= instant
          && (latest < 0 || effectAt[i] > effectAt[latest])) {
        latest = i;
      }
    }
    return latest < 0 || ops.get(latest)[1] == 2 ? null : "v" + latest;
  }

  /**
   * Replays {@code h}'s invocations and completions in time order into a new history, giving every
   * final ok read the value {@code finalValue}.
   */
  private static History replay(History h, String finalValue) {
    record Event(long atNanos, boolean invoke, Operation op) {}
    List<Event> events = new ArrayList<>();
    for (Operation op : h.operations()) {
      events.add(new Event(op.invokeNanos(), true, op));
      if (op.outcome() != Operation.Outcome.PENDING) {
        events.add(new Event(op.completeNanos(), false, op));
      }
    }
    events.sort(
        (a, b) ->
            a.atNanos != b.atNanos
                ? Long.compare(a.atNanos, b.atNanos)
                : Boolean.compare(a.invoke, b.invoke));
    History out = new History();
    int[] ids = new int[h.size()];
    for (Event e : events) {
      Operation op = e.op;
      if (e.invoke) {
        ids[op.id()] =
            out.invoke(
                op.process(),
                op.kind(),
                op.key(),
                op.kind() == Operation.Kind.WRITE ? op.value() : null,
                op.invokeNanos());
        continue;
      }
      int id = ids[op.id()];
      switch (op.outcome()) {
        case OK -> {
          if (op.kind() == Operation.Kind.READ) {
            out.okRead(id, op.invokeNanos() >= HEAL ? finalValue : op.value(), op.completeNanos());
          } else {
            out.ok(id, op.completeNanos());
          }
        }
        case FAIL -> out.fail(id, op.error(), op.completeNanos());
        case INFO -> out.info(id, op.error(), op.completeNanos());
        case PENDING -> throw new AssertionError("pending operations have no completion");
      }
    }
    return out;
  }
}
