package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MembersTableTest {

  private static final String A = "0123456789abcdef0123456789abcdef01234567";
  private static final String B = "89abcdef0123456789abcdef0123456789abcdef";

  @Test
  void printsAlignedColumnsSortedByIdWithSelfMarkedAndASummary() {
    List<MemberSnapshot> members =
        List.of(
            new MemberSnapshot(B, List.of("10.0.0.2:7946"), MemberState.SUSPECT, 17, 2, false),
            new MemberSnapshot(
                A, List.of("10.0.0.1:7946", "[fd00::1]:7946"), MemberState.ALIVE, 3, 1, true));
    assertThat(MembersTable.format(members))
        .isEqualTo(
            """
              ID                                        STATE    INCARNATION  METADATA  ADDRESSES
            * 0123456789abcdef0123456789abcdef01234567  alive              3         1  10.0.0.1:7946,[fd00::1]:7946
              89abcdef0123456789abcdef0123456789abcdef  suspect           17         2  10.0.0.2:7946
            2 members: 1 alive, 1 suspect, 0 dead, 0 left
            """);
  }

  @Test
  void anEmptyMembershipPrintsHeaderAndSummary() {
    assertThat(MembersTable.format(List.of()))
        .isEqualTo(
            """
              ID  STATE  INCARNATION  METADATA  ADDRESSES
            0 members: 0 alive, 0 suspect, 0 dead, 0 left
            """);
  }

  @Test
  void aMemberWithoutAddressShowsADashAndOneMemberIsSingular() {
    String table =
        MembersTable.format(
            List.of(
                new MemberSnapshot("ab", List.of(), MemberState.LEFT, 123456789012L, 0, false)));
    assertThat(table)
        .isEqualTo(
            """
              ID  STATE   INCARNATION  METADATA  ADDRESSES
              ab  left   123456789012         0  -
            1 member: 0 alive, 0 suspect, 0 dead, 1 left
            """);
  }
}
