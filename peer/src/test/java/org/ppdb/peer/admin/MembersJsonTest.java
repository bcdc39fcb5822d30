package org.ppdb.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MembersJsonTest {

  private static final MemberSnapshot ALICE =
      new MemberSnapshot("0a1b", List.of("10.0.0.1:7946"), MemberState.ALIVE, 3, 1, true);

  @Test
  void writesTheDocumentedShape() {
    assertThat(MembersJson.write(List.of(ALICE)))
        .isEqualTo(
            "{\"count\":1,\"members\":[{\"id\":\"0a1b\",\"addresses\":[\"10.0.0.1:7946\"],"
                + "\"state\":\"alive\",\"incarnation\":3,\"metadataVersion\":1,\"self\":true}]}");
    assertThat(MembersJson.write(List.of())).isEqualTo("{\"count\":0,\"members\":[]}");
  }

  @Test
  void readsWhatItWritesForRandomMemberships() {
    long seed = 0x6d656d62L;
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 200; round++) {
      List<MemberSnapshot> members = new ArrayList<>();
      int n = random.nextInt(20);
      for (int i = 0; i < n; i++) {
        List<String> addresses = new ArrayList<>();
        for (int a = random.nextInt(3); a > 0; a--) {
          addresses.add(
              "10."
                  + random.nextInt(256)
                  + ".0."
                  + random.nextInt(256)
                  + ":"
                  + (1 + random.nextInt(65535)));
        }
        members.add(
            new MemberSnapshot(
                Long.toHexString(random.nextLong() & Long.MAX_VALUE),
                addresses,
                MemberState.values()[random.nextInt(MemberState.values().length)],
                random.nextLong(Long.MAX_VALUE),
                random.nextLong(1000),
                random.nextBoolean()));
      }
      assertThat(MembersJson.parse(MembersJson.write(members)))
          .as("seed %d, round %d", seed, round)
          .isEqualTo(members);
    }
  }

  @Test
  void ignoresUnknownFieldsAndToleratesWhitespace() {
    String json =
        " {\"node\":\"x\", \"members\" : [ {\"id\":\"ff\",\"addresses\":[],\"state\":\"dead\","
            + "\"incarnation\":0,\"metadataVersion\":9,\"zone\":{\"rack\":[1,2.5e3,null,false]}} ] }\n";
    assertThat(MembersJson.parse(json))
        .containsExactly(new MemberSnapshot("ff", List.of(), MemberState.DEAD, 0, 9, false));
  }

  @Test
  void refusesMalformedDocumentsNamingTheProblem() {
    assertThatThrownBy(() -> MembersJson.parse("[]")).hasMessage("members JSON: not an object");
    assertThatThrownBy(() -> MembersJson.parse("{}"))
        .hasMessage("members JSON: no 'members' array");
    assertThatThrownBy(() -> MembersJson.parse("{\"members\":[1]}"))
        .hasMessage("members JSON: member 0: not an object");
    assertThatThrownBy(
            () ->
                MembersJson.parse(
                    "{\"members\":[{\"id\":\"ZZ\",\"addresses\":[],\"state\":\"alive\","
                        + "\"incarnation\":0,\"metadataVersion\":0}]}"))
        .hasMessage("members JSON: member 0: id: 'ZZ' (expected: 1-128 lower-case hex digits)");
    assertThatThrownBy(
            () ->
                MembersJson.parse(
                    "{\"members\":[{\"id\":\"a\",\"addresses\":[],\"state\":\"zombie\","
                        + "\"incarnation\":0,\"metadataVersion\":0}]}"))
        .hasMessageContaining("state: 'zombie' (expected: alive, suspect, dead or left)");
    assertThatThrownBy(
            () ->
                MembersJson.parse(
                    "{\"members\":[{\"id\":\"a\",\"addresses\":[],\"state\":\"alive\","
                        + "\"incarnation\":1.5,\"metadataVersion\":0}]}"))
        .hasMessageContaining("'incarnation': not an integer");
    assertThatThrownBy(
            () ->
                MembersJson.parse(
                    "{\"members\":[{\"id\":\"a\",\"addresses\":[\"\\u001b[2J\"],\"state\":\"alive\","
                        + "\"incarnation\":1,\"metadataVersion\":0}]}"))
        .as("no escape sequences reach the terminal")
        .hasMessageContaining("address: '");
    assertThatThrownBy(() -> MembersJson.parse("{\"members\":[],}"))
        .hasMessage("JSON at offset 14: '}' (expected: a string key)");
    assertThatThrownBy(() -> MembersJson.parse("{\"members\":[[[[[[[[]]]]]]]]}"))
        .hasMessageContaining("nesting depth 9 (expected: <= 8)");
  }

  @Test
  void formatsSocketAddressesWithoutLookups() throws Exception {
    assertThat(
            MemberSnapshot.address(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 7946)))
        .isEqualTo("10.0.0.1:7946");
    assertThat(MemberSnapshot.address(new InetSocketAddress(InetAddress.getByName("::1"), 7946)))
        .isEqualTo("[0:0:0:0:0:0:0:1]:7946");
    assertThat(MemberSnapshot.address(InetSocketAddress.createUnresolved("peer.lan", 1)))
        .isEqualTo("peer.lan:1");
  }
}
