package org.ppdb.simulation.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.ppdb.simulation.report.Report;

class UniqueKeyCheckerTest {

  /** Reads invoked at or after this time are the final reads. */
  private static final long HEAL = 1_000;

  private static final UniqueKeyChecker CHECKER = new UniqueKeyChecker(HEAL, false);

  private static void write(History h, int p, String key, String value, long at, String outcome) {
    int id = h.invoke(p, Operation.Kind.WRITE, key, value, at);
    switch (outcome) {
      case "ok" -> h.ok(id, at + 5);
      case "fail" -> h.fail(id, "replicas unavailable", at + 5);
      case "info" -> h.info(id, "timed out", at + 5);
      default -> {} // pending
    }
  }

  private static void read(History h, int p, String key, String value, long at) {
    int id = h.invoke(p, Operation.Kind.READ, key, null, at);
    h.okRead(id, value, at + 5);
  }

  @Test
  void aValidHistoryPasses() {
    History h = new History();
    write(h, 1, "a", "va", 0, "ok");
    write(h, 2, "b", "vb", 10, "info"); // indeterminate: present after the heal
    write(h, 3, "c", "vc", 20, "info"); // indeterminate: absent after the heal
    write(h, 4, "d", "vd", 30, "fail");
    read(h, 1, "a", "va", 40);
    read(h, 2, "b", null, 50); // during the run, an info write may not be visible yet
    read(h, 1, "a", "va", HEAL);
    read(h, 1, "b", "vb", HEAL + 10);
    read(h, 1, "c", null, HEAL + 20);
    read(h, 1, "d", null, HEAL + 30);

    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).as(v.describeFailures(h)).isTrue();
    assertThat(v.count("ok writes")).isEqualTo(1);
    assertThat(v.count("indeterminate writes")).isEqualTo(2);
    assertThat(v.count("failed writes")).isEqualTo(1);
    assertThat(v.count("final reads")).isEqualTo(4);
    assertThat(v.count("indeterminate writes present after the heal")).isEqualTo(1);
    for (Anomaly.Kind kind : Anomaly.Kind.values()) {
      assertThat(v.count(kind)).as(kind.name()).isZero();
    }
  }

  @Test
  void anAcknowledgedWriteAbsentAfterTheHealIsLost() {
    History h = new History();
    write(h, 1, "a", "va", 0, "ok");
    read(h, 2, "a", null, HEAL);

    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isFalse();
    assertThat(v.count(Anomaly.Kind.LOST_WRITE)).isEqualTo(1);
    assertThat(v.samples()).singleElement().extracting(Anomaly::key).isEqualTo("a");
    assertThat(v.describeFailures(h))
        .contains("lost acknowledged writes on key a")
        .contains("ok     write a = \"va\"")
        .contains("read a -> nil");
  }

  @Test
  void aValueNeverWrittenIsAPhantom() {
    History h = new History();
    write(h, 1, "a", "va", 0, "ok");
    read(h, 2, "a", "garbage", 20);
    read(h, 2, "z", "from nowhere", 30); // a key nobody wrote
    read(h, 2, "a", "va", HEAL);

    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isFalse();
    assertThat(v.count(Anomaly.Kind.PHANTOM_READ)).isEqualTo(2);
  }

  @Test
  void aValueReadBeforeItsWriteWasInvokedIsAPhantom() {
    History h = new History();
    int r = h.invoke(2, Operation.Kind.READ, "a", null, 0);
    h.okRead(r, "va", 5);
    write(h, 1, "a", "va", 10, "ok");
    read(h, 2, "a", "va", HEAL);

    Verdict v = CHECKER.check(h);
    assertThat(v.count(Anomaly.Kind.PHANTOM_READ)).isEqualTo(1);
    assertThat(v.samples().get(0).description()).contains("invoked after the read completed");
  }

  @Test
  void aReadConcurrentWithItsWriteMaySeeIt() {
    History h = new History();
    int w = h.invoke(1, Operation.Kind.WRITE, "a", "va", 0);
    read(h, 2, "a", "va", 1); // completes before the write's ack arrives: fine
    h.ok(w, 10);
    read(h, 2, "a", "va", HEAL);
    assertThat(CHECKER.check(h).valid()).isTrue();
  }

  @Test
  void aFailedWriteMustNeverBeSeen() {
    History h = new History();
    write(h, 1, "a", "va", 0, "fail");
    read(h, 2, "a", "va", HEAL);

    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isFalse();
    assertThat(v.count(Anomaly.Kind.FAILED_WRITE_VISIBLE)).isEqualTo(1);
  }

  @Test
  void anAcknowledgedKeyWithoutAFinalReadIsUnverified() {
    History h = new History();
    write(h, 1, "a", "va", 0, "ok");
    read(h, 2, "a", "va", 20); // not a final read
    int r = h.invoke(2, Operation.Kind.READ, "a", null, HEAL);
    h.info(r, "timed out", HEAL + 5); // a final read that did not complete ok

    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).isFalse();
    assertThat(v.count(Anomaly.Kind.UNVERIFIED)).isEqualTo(1);
  }

  @Test
  void staleReadsAreCountedAndFailOnlyWhenStrict() {
    History h = new History();
    write(h, 1, "a", "va", 0, "ok");
    read(h, 2, "a", null, 20); // began after the ack, found nothing
    read(h, 2, "a", "va", HEAL);

    Verdict lenient = CHECKER.check(h);
    assertThat(lenient.count(Anomaly.Kind.STALE_READ)).isEqualTo(1);
    assertThat(lenient.valid()).isTrue();
    Verdict strict = new UniqueKeyChecker(HEAL, true).check(h);
    assertThat(strict.valid()).isFalse();
    assertThat(strict.describeFailures(h)).contains("stale reads on key a");
  }

  @Test
  void aFinalReadConcurrentWithTheAckIsNotALoss() {
    History h = new History();
    int w = h.invoke(1, Operation.Kind.WRITE, "a", "va", 0);
    int r = h.invoke(2, Operation.Kind.READ, "a", null, HEAL);
    h.ok(w, HEAL + 1);
    h.okRead(r, null, HEAL + 2);
    read(h, 2, "a", "va", HEAL + 10);
    Verdict v = CHECKER.check(h);
    assertThat(v.valid()).as(v.describeFailures(h)).isTrue();
  }

  @Test
  void aKeyWrittenTwiceIsNotThisWorkload() {
    History h = new History();
    write(h, 1, "a", "v1", 0, "ok");
    write(h, 2, "a", "v2", 10, "ok");
    assertThatThrownBy(() -> CHECKER.check(h)).hasMessageContaining("expected: one write per key");
  }

  @Test
  void theVerdictGoesIntoAReportWithTheFailingHistory() {
    History h = new History();
    write(h, 1, "a", "va", 0, "ok");
    read(h, 2, "a", null, 20); // stale, informational
    read(h, 2, "a", null, HEAL); // lost
    Report report = new Report("kv", 7);
    CHECKER.check(h).addTo(report, h);
    assertThat(report.figure("unique-key: lost acknowledged writes")).isEqualTo(1);
    assertThat(report.figure("unique-key: stale reads")).isEqualTo(1);
    assertThat(report.figure("unique-key: ok writes")).isEqualTo(1);
    assertThat(report.violations())
        .singleElement()
        .asString()
        .contains("lost acknowledged writes on key a", "invoke write a");
  }
}
