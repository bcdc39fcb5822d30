package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.peer.resp.RespFixture.call;
import static org.ppdb.peer.resp.RespFixture.command;
import static org.ppdb.peer.resp.RespFixture.exchange;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RespLimitsTest {
  @TempDir Path dir;
  RespFixture fx;
  EmbeddedChannel ch;

  static final RespConfig SMALL =
      RespConfig.builder()
          .keyBytesMax(16)
          .valueBytesMax(1024)
          .argumentsMax(5)
          .commandBytesMax(1500)
          .inlineBytesMax(256)
          .preAuthBulkBytesMax(16)
          .preAuthArgumentsMax(3)
          .build();

  @BeforeEach
  void open() {
    fx = new RespFixture(dir);
    ch = RespFixture.connect(fx.server(SMALL));
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
    fx.close();
  }

  @Test
  void tooManyArgumentsCloseTheConnection() {
    String out = exchange(ch, command("PING") + command("MGET", "a", "b", "c", "d", "e"));
    assertThat(out)
        .isEqualTo(
            "+PONG\r\n-ERR Protocol error: invalid multibulk length (arguments: 6, expected: <="
                + " 5)\r\n");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void oversizedBulkStringClosesBeforeItsContentArrives() {
    String out = exchange(ch, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\nxx");
    assertThat(out)
        .isEqualTo(
            "-ERR Protocol error: invalid bulk length (bulkBytes: 100000, expected: <= 1024)\r\n");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void oversizedCommandClosesTheConnection() {
    String v = "x".repeat(1000);
    String out = exchange(ch, command("MSET", "a", v, "b", v) + command("PING"));
    assertThat(out)
        .isEqualTo(
            "-ERR Protocol error: command too large (commandBytes: 2006, expected: <= 1500)\r\n");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void oversizedKeyIsAnErrorReplyOnly() {
    assertThat(call(ch, "SET", "k".repeat(17), "v"))
        .isEqualTo("-ERR key too large (keyBytes: 17, expected: <= 16)\r\n");
    assertThat(call(ch, "MGET", "a", "k".repeat(17)))
        .isEqualTo("-ERR key too large (keyBytes: 17, expected: <= 16)\r\n");
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void unterminatedHeaderLineCloses() {
    String out = exchange(ch, "*" + "1".repeat(400));
    assertThat(out).startsWith("-ERR Protocol error: ");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void overlongInlineCommandCloses() {
    String out = exchange(ch, "GET " + "a".repeat(300));
    assertThat(out).startsWith("-ERR Protocol error: ");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void nestedArraysAndStrayTypesAreProtocolErrors() {
    assertThat(exchange(ch, "*2\r\n*1\r\n$1\r\na\r\n"))
        .isEqualTo("-ERR Protocol error: expected '$', got '*'\r\n");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void badDelimiterIsAProtocolError() {
    assertThat(exchange(ch, command("PING") + "*1\r\n$1\r\nab\r\n" + command("PING")))
        .startsWith("+PONG\r\n-ERR Protocol error: delimiter");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void nullBulkInACommandIsAProtocolError() {
    assertThat(exchange(ch, "*2\r\n$3\r\nGET\r\n$-1\r\n"))
        .isEqualTo("-ERR Protocol error: invalid bulk length (-1)\r\n");
  }

  @Test
  void simpleStringFromClientIsAProtocolError() {
    assertThat(exchange(ch, "+OK\r\n"))
        .isEqualTo("-ERR Protocol error: unexpected SimpleString from client\r\n");
  }

  @Test
  void unbalancedQuotesInInlineCommandClose() {
    assertThat(exchange(ch, "SET a \"b\r\n"))
        .isEqualTo("-ERR Protocol error: unbalanced quotes in request\r\n");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void emptyCommandsAreIgnored() {
    assertThat(exchange(ch, "*0\r\n*-1\r\n\r\n" + command("PING"))).isEqualTo("+PONG\r\n");
  }

  @Test
  void maxClientsRefusesTheNextConnection() {
    RespServer server = fx.server(RespConfig.builder().clientsMax(1).build());
    EmbeddedChannel first = RespFixture.connect(server);
    EmbeddedChannel second = RespFixture.connect(server);
    assertThat(RespFixture.drain(second)).isEqualTo("-ERR max number of clients reached\r\n");
    assertThat(second.isActive()).isFalse();
    assertThat(call(first, "PING")).isEqualTo("+PONG\r\n");
    first.finishAndReleaseAll();
    second.finishAndReleaseAll();
  }

  @Test
  void configRejectsContradictoryLimits() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RespConfig.builder().valueBytesMax(1024).commandBytesMax(100).build())
        .hasMessage("commandBytesMax: 100 (expected: >= largest argument 65536)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RespConfig.builder().pipelineCommandsMax(10).pipelineCommandsHardMax(5).build())
        .hasMessage("pipelineCommandsHardMax: 5 (expected: >= pipelineCommandsMax 10)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RespConfig.builder().argumentsMax(0))
        .hasMessage("argumentsMax: 0 (expected: > 0)");
  }
}
