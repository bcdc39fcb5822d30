package org.ppdb.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespProbeTest {
  private static Object read(String reply) throws IOException {
    return RespProbe.read(new ByteArrayInputStream(reply.getBytes(StandardCharsets.UTF_8)));
  }

  private static String entry(String id, int port, String state, String status) {
    return "*6\r\n$"
        + id.length()
        + "\r\n"
        + id
        + "\r\n$9\r\n127.0.0.1\r\n:"
        + port
        + "\r\n$"
        + state.length()
        + "\r\n"
        + state
        + "\r\n$"
        + status.length()
        + "\r\n"
        + status
        + "\r\n*2\r\n$2\r\n17\r\n$20\r\n18446744073709551615\r\n";
  }

  @Test
  void encodesACommandAsAnArrayOfBulkStrings() {
    assertThat(new String(RespProbe.encode("PPDB.TOPOLOGY"), StandardCharsets.UTF_8))
        .isEqualTo("*1\r\n$13\r\nPPDB.TOPOLOGY\r\n");
  }

  @Test
  void readsEveryReplyType() throws IOException {
    assertThat(read("+PONG\r\n")).isEqualTo("PONG");
    assertThat(read(":42\r\n")).isEqualTo(42L);
    assertThat(read("$-1\r\n")).isNull();
    assertThat(read("$5\r\nhello\r\n")).isEqualTo("hello");
    assertThat(read("-ERR unknown command\r\n"))
        .isEqualTo(new RespProbe.RespError("ERR unknown command"));
    assertThat(read("*2\r\n:1\r\n*1\r\n+OK\r\n")).isEqualTo(List.of(1L, List.of("OK")));
  }

  @Test
  void countsNormalAliveMembersOfATopology() throws IOException {
    Object topology =
        read(
            "*2\r\n:3\r\n*3\r\n"
                + entry("aa", 7001, "normal", "alive")
                + entry("bb", 7002, "joining", "alive")
                + entry("cc", 7003, "normal", "suspect"));

    assertThat(RespProbe.normalAliveMembers(topology)).isEqualTo(1);
  }

  @Test
  void topologyOfAnotherShapeIsRejected() throws IOException {
    assertThatThrownBy(() -> RespProbe.normalAliveMembers(read("-ERR unknown command\r\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ERR unknown command");
    assertThatThrownBy(() -> RespProbe.normalAliveMembers(List.of(3L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not [N, [entries]]");
    assertThatThrownBy(() -> RespProbe.normalAliveMembers(Arrays.asList(3L, List.of(List.of("x")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed entry");
  }

  @Test
  void truncatedAndOversizedRepliesFail() {
    assertThatThrownBy(() -> read("$5\r\nhel")).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> read("$" + (RespProbe.BULK_BYTES_MAX + 1) + "\r\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("expected: <= " + RespProbe.BULK_BYTES_MAX);
    assertThatThrownBy(() -> read("*1\r\n".repeat(RespProbe.DEPTH_MAX + 2) + ":1\r\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nesting");
    assertThatThrownBy(() -> read("?what\r\n"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unknown type byte");
  }
}
