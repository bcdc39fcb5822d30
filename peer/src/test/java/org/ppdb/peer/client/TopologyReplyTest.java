package org.ppdb.peer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.resp.TopologyEntry;

class TopologyReplyTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsesEveryField() {
    Object reply =
        List.of(
            3L,
            List.of(
                List.of(
                    b("ab"),
                    b("10.0.0.1"),
                    6379L,
                    b("normal"),
                    b("alive"),
                    List.of(b("-1"), b("9"))),
                List.of(b("cd"), b("::1"), 6380L, b("joining"), b("dead"), List.of())));
    var parsed = ClientCore.parseTopology(reply);
    assertThat(parsed.replicationFactor()).isEqualTo(3);
    assertThat(parsed.entries())
        .containsExactly(
            new TopologyEntry("ab", "10.0.0.1", 6379, "normal", "alive", new long[] {-1, 9}),
            new TopologyEntry("cd", "::1", 6380, "joining", "dead", new long[0]));
  }

  @Test
  void malformedRepliesAreClearErrors() {
    assertThatThrownBy(() -> ClientCore.parseTopology(List.of(3L)))
        .isInstanceOf(PpdbClientException.class)
        .hasMessage("malformed PPDB.TOPOLOGY reply: expected 2 elements, got 1");
    assertThatThrownBy(
            () ->
                ClientCore.parseTopology(
                    List.of(3L, List.of(List.of(b("ab"), b("h"), 1L, b("normal"), b("alive"))))))
        .hasMessage("malformed PPDB.TOPOLOGY reply: member with 5 fields (expected: 6)");
    assertThatThrownBy(
            () ->
                ClientCore.parseTopology(
                    List.of(
                        3L,
                        List.of(List.of(b("ab"), b("h"), 1L, b("normal"), b("up"), List.of())))))
        .hasMessageContaining("status: 'up'");
    assertThatThrownBy(
            () -> ClientCore.parseTopology(new Replies.ServerError("ERR unknown command")))
        .isInstanceOf(PpdbClientException.class)
        .hasMessage("ERR unknown command");
    assertThatThrownBy(() -> ClientCore.parseTopology("OK"))
        .hasMessageStartingWith("malformed PPDB.TOPOLOGY reply: java.lang.ClassCastException");
  }
}
