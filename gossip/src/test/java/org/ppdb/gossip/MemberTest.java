package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemberTest {
  private static final MemberId ID = MemberId.of("a");
  private static final List<Address> ADDRESSES = List.of(new Address("10.0.0.1", 7946));

  private static Member record(long incarnation, MemberStatus status) {
    return new Member(ID, ADDRESSES, incarnation, status, 0, null, MemberId.of("r"));
  }

  @Test
  void higherIncarnationOverridesAnyStatus() {
    assertThat(record(2, MemberStatus.ALIVE).overrides(record(1, MemberStatus.LEFT))).isTrue();
    assertThat(record(1, MemberStatus.LEFT).overrides(record(2, MemberStatus.ALIVE))).isFalse();
  }

  @Test
  void atEqualIncarnationStatusPrecedenceDecides() {
    MemberStatus[] order = MemberStatus.values();
    for (int i = 0; i < order.length; i++) {
      for (int j = 0; j < order.length; j++) {
        assertThat(record(3, order[i]).overrides(record(3, order[j])))
            .as("%s over %s", order[i], order[j])
            .isEqualTo(i > j);
      }
    }
  }

  @Test
  void reporterIsKeptOnlyForSuspectAndDead() {
    assertThat(record(0, MemberStatus.ALIVE).reporter()).isNull();
    assertThat(record(0, MemberStatus.LEFT).reporter()).isNull();
    assertThat(record(0, MemberStatus.SUSPECT).reporter()).isEqualTo(MemberId.of("r"));
  }

  @Test
  void statusCodesAreFrozen() {
    assertThat(MemberStatus.ALIVE.code()).isZero();
    assertThat(MemberStatus.SUSPECT.code()).isEqualTo(1);
    assertThat(MemberStatus.DEAD.code()).isEqualTo(2);
    assertThat(MemberStatus.LEFT.code()).isEqualTo(3);
    for (MemberStatus s : MemberStatus.values()) {
      assertThat(MemberStatus.ofCode(s.code())).isEqualTo(s);
    }
  }

  @Test
  void encodedSizeCountsEveryField() {
    Member m =
        new Member(
            MemberId.of(new byte[32]),
            List.of(new Address("10.0.0.1", 7946)),
            300,
            MemberStatus.SUSPECT,
            1,
            new byte[100],
            MemberId.of(new byte[32]));
    // id 1+32, addresses 1 + (1+8+2), incarnation 2, status 1, version 1, metadata 1+100, reporter
    // 33
    assertThat(m.encodedSizeBytes()).isEqualTo(33 + 12 + 2 + 1 + 1 + 101 + 33);
  }

  @Test
  void invalidRecordsAreRejected() {
    assertThatThrownBy(() -> new Member(ID, List.of(), 0, MemberStatus.ALIVE, 0, null, null))
        .hasMessage("addresses: 0 (expected: 1..4)");
    assertThatThrownBy(() -> new Member(ID, ADDRESSES, -1, MemberStatus.ALIVE, 0, null, null))
        .hasMessage("incarnation: -1 (expected: >= 0)");
    assertThatThrownBy(() -> MemberId.of(new byte[65]))
        .hasMessage("bytes: 65 bytes (expected: 1..64)");
    assertThatThrownBy(() -> new Address("h", 70000))
        .hasMessage("port: 70000 (expected: 0..65535)");
  }
}
