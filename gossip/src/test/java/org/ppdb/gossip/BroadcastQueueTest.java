package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BroadcastQueueTest {
  private static Member alive(String id, long incarnation) {
    return new Member(
        MemberId.of(id),
        List.of(new Address("10.0.0.1", 7946)),
        incarnation,
        MemberStatus.ALIVE,
        0,
        null,
        null);
  }

  @Test
  void newerUpdateAboutAMemberSupersedesTheQueuedOne() {
    BroadcastQueue q = new BroadcastQueue(16);
    q.offer(alive("a", 1));
    q.offer(alive("a", 2));
    assertThat(q.size()).isEqualTo(1);
    List<Member> out = new ArrayList<>();
    q.select(1400, 4, out);
    assertThat(out).extracting(Member::incarnation).containsExactly(2L);
  }

  @Test
  void leastSentFirstAndNewestFirstAmongEquals() {
    BroadcastQueue q = new BroadcastQueue(16);
    q.offer(alive("a", 0));
    List<Member> out = new ArrayList<>();
    q.select(1400, 4, out); // a sent once
    q.offer(alive("b", 0));
    q.offer(alive("c", 0));
    out.clear();
    int size = alive("c", 0).encodedSizeBytes();
    q.select(size * 2, 4, out);
    assertThat(out).extracting(m -> m.id().toString()).containsExactly("c", "b");
    out.clear();
    q.select(size, 4, out);
    assertThat(out).extracting(m -> m.id().toString()).containsExactly("a");
  }

  @Test
  void updateLeavesAfterTheRetransmitLimit() {
    BroadcastQueue q = new BroadcastQueue(16);
    q.offer(alive("a", 0));
    List<Member> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      q.select(1400, 3, out);
    }
    assertThat(out).hasSize(3);
    assertThat(q.isEmpty()).isTrue();
  }

  @Test
  void selectionStaysWithinTheBudget() {
    BroadcastQueue q = new BroadcastQueue(4096);
    for (int i = 0; i < 1000; i++) {
      q.offer(alive("member-" + i, i));
    }
    List<Member> out = new ArrayList<>();
    int used = q.select(1400, 10, out);
    int sum = out.stream().mapToInt(Member::encodedSizeBytes).sum();
    assertThat(used).isEqualTo(sum).isLessThanOrEqualTo(1400);
    assertThat(1400 - used).isLessThan(alive("member-999", 999).encodedSizeBytes());
  }

  @Test
  void fullQueueDropsTheMostSentUpdate() {
    BroadcastQueue q = new BroadcastQueue(16);
    q.offer(alive("old", 0));
    List<Member> out = new ArrayList<>();
    q.select(1400, 10, out); // "old" sent once, the others never
    for (int i = 0; i < 15; i++) {
      q.offer(alive("n" + i, 0));
    }
    assertThat(q.size()).isEqualTo(16);
    q.offer(alive("newest", 0));
    assertThat(q.size()).isEqualTo(16);
    assertThat(q.contains(MemberId.of("old"))).isFalse();
    assertThat(q.contains(MemberId.of("newest"))).isTrue();
  }
}
