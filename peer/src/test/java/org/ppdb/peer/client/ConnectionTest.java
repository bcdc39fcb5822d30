package org.ppdb.peer.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.resp.NettyLeaks;

/** The pipelined connection on an embedded channel: encoding, FIFO matching, timeouts, loss. */
class ConnectionTest {
  static {
    NettyLeaks.install();
  }

  ClientCore core;
  Connection connection;
  EmbeddedChannel channel;

  @BeforeEach
  void open() {
    core =
        new ClientCore(
            PpdbClientConfig.builder()
                .seeds(List.of(new InetSocketAddress("127.0.0.1", 1)))
                .requestTimeout(Duration.ofSeconds(1))
                .requestsInFlightPerConnectionMax(4)
                .ioThreads(1)
                .build());
    Endpoint endpoint = core.endpoint(new InetSocketAddress("127.0.0.1", 1));
    connection = core.newConnection(endpoint);
    channel =
        new EmbeddedChannel(
            new RedisDecoder(false),
            new RedisBulkStringAggregator(),
            new RedisArrayAggregator(),
            connection);
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    core.close();
    NettyLeaks.assertNone();
  }

  private Request request(String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    assertThat(connection.permits.tryAcquire()).isTrue();
    return new Request(bytes, System.nanoTime() + TimeUnit.SECONDS.toNanos(1), true);
  }

  private String written() {
    channel.runPendingTasks();
    StringBuilder sb = new StringBuilder();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    return sb.toString();
  }

  private void reply(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
  }

  @Test
  void pipelinedRepliesGoToTheirRequestsInOrder() throws Exception {
    Request set = request("SET", "k", "v");
    Request get = request("GET", "k");
    Request missing = request("GET", "nope");
    Request scan = request("SCAN", "0");
    connection.send(set);
    connection.send(get);
    connection.send(missing);
    connection.send(scan);
    assertThat(connection.inFlight()).isEqualTo(4);
    assertThat(connection.permits.tryAcquire()).as("the bound of 4 is reached").isFalse();
    assertThat(written())
        .isEqualTo(
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                + "*2\r\n$3\r\nGET\r\n$4\r\nnope\r\n*2\r\n$4\r\nSCAN\r\n$1\r\n0\r\n");
    reply("+OK\r\n$1\r\nv\r\n");
    assertThat(set.reply.get()).isEqualTo("OK");
    assertThat((byte[]) get.reply.get()).isEqualTo(new byte[] {'v'});
    assertThat(missing.reply).isNotDone();
    reply("$-1\r\n*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n");
    assertThat(missing.reply.get()).isNull();
    List<?> page = (List<?>) scan.reply.get();
    assertThat(new String((byte[]) page.get(0), StandardCharsets.UTF_8)).isEqualTo("0");
    assertThat(connection.inFlight()).as("every permit returned").isZero();
  }

  @Test
  void errorRepliesAreValuesNotFailures() throws Exception {
    Request r = request("FOO");
    connection.send(r);
    written();
    reply("-ERR unknown command 'FOO'\r\n:7\r\n");
    assertThat(r.reply.get()).isEqualTo(new Replies.ServerError("ERR unknown command 'FOO'"));
    assertThat(((Replies.ServerError) r.reply.get()).code()).isEqualTo("ERR");
    assertThat(channel.isActive()).as("a reply without request closes the connection").isFalse();
  }

  @Test
  void lostConnectionTellsSentFromUnsent() {
    Request sent = request("SET", "k", "v");
    connection.send(sent);
    written();
    channel.close();
    Request late = request("SET", "k", "w");
    connection.send(late);
    channel.runPendingTasks();
    assertThat(sent.reply).isCompletedExceptionally();
    assertThat(cause(sent)).isInstanceOf(Request.ConnectionLost.class);
    assertThat(((Request.ConnectionLost) cause(sent)).sent).isTrue();
    assertThat(((Request.ConnectionLost) cause(late)).sent).isFalse();
  }

  @Test
  void aRequestPastItsDeadlineIsNotSent() {
    Request r =
        new Request(
            new byte[][] {"GET".getBytes(StandardCharsets.UTF_8)}, System.nanoTime(), false);
    connection.send(r);
    assertThat(written()).isEmpty();
    assertThat(r.reply).isCompletedExceptionally();
    assertThat(cause(r)).isInstanceOf(PpdbTimeoutException.class).hasMessageContaining("before");
  }

  private static Throwable cause(Request r) {
    try {
      r.reply.get();
      throw new AssertionError("completed normally");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
