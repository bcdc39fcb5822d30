package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link MemberTable} against a reference model: a set of ids. */
class MemberTableTest {
  private static final Address ADDRESS = new Address("h", 1);

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void behavesLikeASetAndProbesEveryMemberOncePerRound(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    MemberTable table = new MemberTable();
    Set<MemberId> model = new HashSet<>();
    List<MemberId> ids = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      ids.add(MemberId.of("m" + i));
    }
    for (int step = 0; step < 20_000; step++) {
      MemberId id = ids.get(r.nextInt(ids.size()));
      int op = r.nextInt(10);
      if (op < 5) {
        if (!model.contains(id)) {
          table.add(Member.alive(id, ADDRESS), r);
          model.add(id);
        }
      } else if (op < 8) {
        int slot = table.find(id);
        assertThat(slot >= 0)
            .as("seed=%d step=%d %s", seed, step, id)
            .isEqualTo(model.contains(id));
        if (slot >= 0) {
          table.remove(slot);
          model.remove(id);
        }
      } else if (op < 9) {
        if (table.probeIndex >= table.size()) {
          table.shuffle(r);
        } else {
          table.probeIndex++;
        }
      } else {
        table.shuffle(r);
      }
      assertThat(table.size()).as("seed=%d step=%d", seed, step).isEqualTo(model.size());
      assertThat(table.probeIndex).isBetween(0, Math.max(0, table.size()));
    }
    for (MemberId id : ids) {
      int slot = table.find(id);
      assertThat(slot >= 0).as("seed=%d %s", seed, id).isEqualTo(model.contains(id));
      if (slot >= 0) {
        assertThat(table.get(slot).id()).isEqualTo(id);
      }
    }
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {7, 8})
  void removalKeepsUnprobedMembersUnprobed(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    MemberTable table = new MemberTable();
    for (int i = 0; i < 100; i++) {
      table.add(Member.alive(MemberId.of("m" + i), ADDRESS), r);
    }
    table.shuffle(r);
    table.probeIndex = 40;
    Set<MemberId> unprobed = new HashSet<>();
    for (int s = 40; s < table.size(); s++) {
      unprobed.add(table.get(s).id());
    }
    for (int k = 0; k < 30; k++) {
      int slot = r.nextInt(table.size());
      unprobed.remove(table.get(slot).id());
      table.remove(slot);
    }
    Set<MemberId> after = new HashSet<>();
    for (int s = table.probeIndex; s < table.size(); s++) {
      after.add(table.get(s).id());
    }
    assertThat(after).as("seed=%d", seed).isEqualTo(unprobed);
  }
}
