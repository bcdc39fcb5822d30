package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.resp.TopologyEntry;

class RingTableTest {
  @Test
  void sharesFollowTheTokensOfNormalMembers() {
    // Two members splitting the circle in halves; the joining one owns nothing yet.
    List<TopologyEntry> members =
        List.of(
            new TopologyEntry("aa", "10.0.0.1", 6379, "normal", "alive", new long[] {0}),
            new TopologyEntry(
                "bb", "10.0.0.2", 6379, "normal", "suspect", new long[] {Long.MIN_VALUE}),
            new TopologyEntry("cc", "::1", 6380, "joining", "alive", new long[] {5}));
    String table = RingCommand.table(members, 2);
    assertThat(table).startsWith("replication factor 2, 3 members\n");
    assertThat(table.lines().toList().get(2))
        .startsWith("aa")
        .contains("10.0.0.1:6379")
        .contains(" 50.00%")
        .endsWith("100.00%");
    assertThat(table.lines().toList().get(3)).contains("suspect").contains(" 50.00%");
    assertThat(table.lines().toList().get(4))
        .contains("[::1]:6380")
        .contains("joining")
        .endsWith("0.00%");
  }
}
