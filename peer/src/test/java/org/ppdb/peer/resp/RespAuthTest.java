package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.peer.resp.RespFixture.bulk;
import static org.ppdb.peer.resp.RespFixture.call;
import static org.ppdb.peer.resp.RespFixture.command;
import static org.ppdb.peer.resp.RespFixture.exchange;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RespAuthTest {
  @TempDir Path dir;
  RespFixture fx;
  RespServer server;
  EmbeddedChannel ch;

  @BeforeEach
  void open() {
    fx = new RespFixture(dir);
    server = fx.server(RespConfig.builder().password("s3cret").build());
    ch = RespFixture.connect(server);
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
    fx.close();
  }

  @Test
  void commandsBeforeAuthGetNoauth() {
    assertThat(call(ch, "PING")).isEqualTo("-NOAUTH Authentication required.\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo("-NOAUTH Authentication required.\r\n");
    assertThat(call(ch, "SET", "k", "v")).isEqualTo("-NOAUTH Authentication required.\r\n");
    assertThat(call(ch, "FOO"))
        .isEqualTo("-ERR unknown command 'FOO', with args beginning with: \r\n");
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void authWithPasswordOrDefaultUser() {
    assertThat(call(ch, "AUTH", "wrong"))
        .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    assertThat(call(ch, "AUTH", "admin", "s3cret"))
        .isEqualTo("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    assertThat(call(ch, "AUTH", "a", "b", "c")).isEqualTo("-ERR syntax error\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo("-NOAUTH Authentication required.\r\n");
    assertThat(call(ch, "AUTH", "s3cret")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "SET", "k", "v")).isEqualTo("+OK\r\n");
    assertThat(call(ch, "GET", "k")).isEqualTo(bulk("v"));

    EmbeddedChannel other = RespFixture.connect(server);
    assertThat(call(other, "AUTH", "default", "s3cret")).isEqualTo("+OK\r\n");
    assertThat(call(other, "GET", "k")).isEqualTo(bulk("v"));
    other.finishAndReleaseAll();
  }

  @Test
  void helloAuthenticatesOrRequiresAuthentication() {
    assertThat(call(ch, "HELLO", "2")).startsWith("-NOAUTH HELLO must be called with the client");
    assertThat(call(ch, "HELLO", "2", "AUTH", "default", "nope")).startsWith("-WRONGPASS");
    assertThat(call(ch, "HELLO", "2", "AUTH", "default", "s3cret")).startsWith("*14\r\n");
    assertThat(call(ch, "PING")).isEqualTo("+PONG\r\n");
  }

  @Test
  void quitWorksBeforeAuth() {
    assertThat(call(ch, "QUIT")).isEqualTo("+OK\r\n");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void unauthenticatedClientsHaveSmallLimits() {
    String out = exchange(ch, command("MGET", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));
    assertThat(out)
        .isEqualTo(
            "-ERR Protocol error: unauthenticated multibulk length (arguments: 11, expected: <="
                + " 10)\r\n");
    assertThat(ch.isActive()).isFalse();

    EmbeddedChannel second = RespFixture.connect(server);
    assertThat(exchange(second, "*2\r\n$4\r\nAUTH\r\n$20000\r\n"))
        .isEqualTo(
            "-ERR Protocol error: unauthenticated bulk length (bulkBytes: 20000, expected: <="
                + " 16384)\r\n");
    second.finishAndReleaseAll();
  }

  @Test
  void authenticatedClientsGetTheFullLimitsInTheSamePipeline() {
    String big = "v".repeat(20_000);
    String out =
        exchange(
            ch,
            command("AUTH", "s3cret")
                + command("SET", "big", big)
                + command("MGET", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));
    assertThat(out).startsWith("+OK\r\n+OK\r\n*10\r\n");
    assertThat(call(ch, "GET", "big")).isEqualTo(bulk(big));
  }

  @Test
  void authWithoutConfiguredPasswordIsAnError() {
    EmbeddedChannel open = RespFixture.connect(fx.server(RespConfig.defaults()));
    assertThat(call(open, "AUTH", "x"))
        .isEqualTo(
            "-ERR AUTH <password> called without any password configured for the default user."
                + " Are you sure your configuration is correct?\r\n");
    assertThat(call(open, "AUTH", "default", "anything")).isEqualTo("+OK\r\n");
    open.finishAndReleaseAll();
  }
}
