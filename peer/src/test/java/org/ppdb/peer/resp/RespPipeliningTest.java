package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.peer.resp.RespFixture.bulk;
import static org.ppdb.peer.resp.RespFixture.command;
import static org.ppdb.peer.resp.RespFixture.drain;
import static org.ppdb.peer.resp.RespFixture.exchange;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.KeyValueService;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.api.ReplicasUnavailableException;
import org.ppdb.peer.api.RequestTimeoutException;
import org.ppdb.peer.api.ScanPage;
import org.ppdb.peer.api.StoredValue;

class RespPipeliningTest {
  @TempDir Path dir;
  RespFixture fx;
  DeferredService deferred;

  @BeforeEach
  void open() {
    fx = new RespFixture(dir);
    deferred = new DeferredService(fx.local);
  }

  @AfterEach
  void close() {
    fx.close();
  }

  /**
   * A random pipeline of SET/GET/DEL/EXISTS/MGET on a few keys, whose backend calls complete in a
   * random order, answers exactly what sequential execution answers, in order.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 1234567})
  void randomPipelineMatchesSequentialModel(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    EmbeddedChannel ch =
        RespFixture.connect(
            fx.server(RespConfig.builder().pipelineCommandsMax(1000).build(), deferred));
    Map<String, String> model = new HashMap<>();
    StringBuilder request = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      String k = "k" + random.nextInt(5);
      String k2 = "k" + random.nextInt(5);
      switch (random.nextInt(5)) {
        case 0 -> {
          String v = "v" + i;
          request.append(command("SET", k, v));
          model.put(k, v);
          expected.append("+OK\r\n");
        }
        case 1 -> {
          request.append(command("GET", k));
          expected.append(model.containsKey(k) ? bulk(model.get(k)) : "$-1\r\n");
        }
        case 2 -> {
          request.append(command("DEL", k));
          expected.append(":").append(model.remove(k) == null ? 0 : 1).append("\r\n");
        }
        case 3 -> {
          request.append(command("EXISTS", k, k2));
          int n = (model.containsKey(k) ? 1 : 0) + (model.containsKey(k2) ? 1 : 0);
          expected.append(":").append(n).append("\r\n");
        }
        default -> {
          request.append(command("MGET", k, k2));
          expected.append("*2\r\n");
          expected.append(model.containsKey(k) ? bulk(model.get(k)) : "$-1\r\n");
          expected.append(model.containsKey(k2) ? bulk(model.get(k2)) : "$-1\r\n");
        }
      }
    }
    // Split the input at random points, as TCP would.
    byte[] bytes = request.toString().getBytes(StandardCharsets.UTF_8);
    StringBuilder replies = new StringBuilder();
    int at = 0;
    while (at < bytes.length) {
      int n = Math.min(bytes.length - at, 1 + random.nextInt(300));
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
      at += n;
      for (int r = random.nextInt(4); r > 0; r--) {
        deferred.releaseOne(random);
      }
      replies.append(drain(ch));
    }
    deferred.releaseAll(random);
    replies.append(drain(ch));
    assertThat(replies.toString()).as("seed %d", seed).isEqualTo(expected.toString());
    ch.finishAndReleaseAll();
  }

  @Test
  void commandsOnDifferentKeysOverlapAndOnTheSameKeyWait() {
    EmbeddedChannel ch = RespFixture.connect(fx.server(RespConfig.defaults(), deferred));
    exchange(ch, command("GET", "a") + command("GET", "b") + command("SET", "c", "1"));
    assertThat(deferred.pending()).isEqualTo(3);
    deferred.releaseAll(new SplittableRandom(7));
    assertThat(drain(ch)).isEqualTo("$-1\r\n$-1\r\n+OK\r\n");

    exchange(ch, command("SET", "a", "1") + command("GET", "a") + command("GET", "b"));
    // GET a waits for SET a, and GET b waits behind GET a (commands start in order).
    assertThat(deferred.pending()).isEqualTo(1);
    deferred.releaseOne(new SplittableRandom(7));
    assertThat(deferred.pending()).isEqualTo(2);
    deferred.releaseAll(new SplittableRandom(7));
    assertThat(drain(ch)).isEqualTo("+OK\r\n" + bulk("1") + "$-1\r\n");
    ch.finishAndReleaseAll();
  }

  @Test
  void manyCommandsWaitingBehindABarrierStartWithoutRecursion() {
    int n = 5_000;
    RespConfig config =
        RespConfig.builder().pipelineCommandsMax(n + 10).pipelineCommandsHardMax(n + 10).build();
    EmbeddedChannel ch = RespFixture.connect(fx.server(config, deferred));
    exchange(ch, command("DBSIZE") + command("PING").repeat(n));
    assertThat(deferred.pending()).isEqualTo(1);
    deferred.releaseAll(new SplittableRandom(11));
    String out = drain(ch);
    assertThat(out)
        .startsWith(":0\r\n+PONG\r\n")
        .hasSize(":0\r\n".length() + n * "+PONG\r\n".length());
    ch.finishAndReleaseAll();
  }

  @Test
  void laterRepliesWaitForEarlierOnes() {
    EmbeddedChannel ch = RespFixture.connect(fx.server(RespConfig.defaults(), deferred));
    String out = exchange(ch, command("GET", "a") + command("PING") + command("ECHO", "x"));
    assertThat(out).isEmpty();
    deferred.releaseAll(new SplittableRandom(1));
    assertThat(drain(ch)).isEqualTo("$-1\r\n+PONG\r\n" + bulk("x"));
    ch.finishAndReleaseAll();
  }

  @Test
  void consistencyAppliesToCommandsAfterItOnly() {
    EmbeddedChannel ch = RespFixture.connect(fx.server(RespConfig.defaults(), deferred));
    exchange(
        ch,
        command("SET", "a", "1")
            + command("GET", "a")
            + command("PPDB.CONSISTENCY", "ONE")
            + command("GET", "b")
            + command("PPDB.AT", "ALL", "GET", "c"));
    deferred.releaseAll(new SplittableRandom(3));
    assertThat(drain(ch)).isEqualTo("+OK\r\n" + bulk("1") + "+OK\r\n$-1\r\n$-1\r\n");
    assertThat(deferred.consistencies)
        .containsExactly(Consistency.QUORUM, Consistency.QUORUM, Consistency.ONE, Consistency.ALL);
    ch.finishAndReleaseAll();
  }

  @Test
  void readingPausesAtThePipelineLimitAndResumes() {
    RespConfig config = RespConfig.builder().pipelineCommandsMax(4).build();
    EmbeddedChannel ch = RespFixture.connect(fx.server(config, deferred));
    StringBuilder request = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      request.append(command("GET", "k" + i));
    }
    exchange(ch, request.toString());
    assertThat(ch.config().isAutoRead()).isFalse();
    deferred.releaseAll(new SplittableRandom(5));
    assertThat(drain(ch)).isEqualTo("$-1\r\n".repeat(4));
    assertThat(ch.config().isAutoRead()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void overrunningTheHardPipelineLimitClosesWithAnError() {
    RespConfig config =
        RespConfig.builder().pipelineCommandsMax(2).pipelineCommandsHardMax(3).build();
    EmbeddedChannel ch = RespFixture.connect(fx.server(config, deferred));
    String out =
        exchange(
            ch,
            command("GET", "a") + command("GET", "b") + command("GET", "c") + command("GET", "d"));
    assertThat(out)
        .isEqualTo("-ERR too many pipelined commands (unanswered: 3, expected: < 3)\r\n");
    assertThat(ch.isActive()).isFalse();
    deferred.releaseAll(new SplittableRandom(9));
    assertThat(drain(ch)).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void timeoutsAreIndeterminateAndUnavailabilityIsAnError() {
    assertThat(
            replyWhenFailing(new RequestTimeoutException(true, "QUORUM: 1 of 2 in 500 ms"), "SET"))
        .isEqualTo(
            "-TIMEOUT the write may or may not have been applied (QUORUM: 1 of 2 in 500 ms)\r\n");
    assertThat(
            replyWhenFailing(new RequestTimeoutException(false, "QUORUM: 1 of 2 in 500 ms"), "GET"))
        .isEqualTo("-TIMEOUT the read timed out (QUORUM: 1 of 2 in 500 ms)\r\n");
    assertThat(replyWhenFailing(new ReplicasUnavailableException(Consistency.ALL, 3, 2), "GET"))
        .isEqualTo("-NOREPLICAS not enough replicas for ALL (required: 3, alive: 2)\r\n");
    assertThat(replyWhenFailing(new OverloadedException("storage executor is full"), "SET"))
        .isEqualTo("-BUSY storage executor is full\r\n");
    assertThat(replyWhenFailing(new IllegalStateException("boom"), "GET"))
        .isEqualTo("-ERR internal error: IllegalStateException: boom\r\n");
  }

  private String replyWhenFailing(RuntimeException failure, String commandName) {
    KeyValueService failing =
        new KeyValueService() {
          private <T> CompletionStage<T> fail() {
            return CompletableFuture.failedFuture(failure);
          }

          @Override
          public CompletionStage<java.util.Optional<StoredValue>> get(byte[] key, Consistency c) {
            return fail();
          }

          @Override
          public CompletionStage<Long> put(byte[] k, byte[] v, long e, Consistency c) {
            return fail();
          }

          @Override
          public CompletionStage<Long> delete(byte[] key, Consistency c) {
            return fail();
          }

          @Override
          public CompletionStage<Long> writeVersioned(
              byte[] k, byte[] v, long e, long version, Consistency c) {
            return fail();
          }

          @Override
          public CompletionStage<ScanPage> scan(byte[] after, int limit, Consistency c) {
            return fail();
          }

          @Override
          public CompletionStage<Long> sizeEstimate() {
            return fail();
          }
        };
    EmbeddedChannel ch = RespFixture.connect(fx.server(RespConfig.defaults(), failing));
    String reply =
        commandName.equals("SET")
            ? RespFixture.call(ch, "SET", "k", "v")
            : RespFixture.call(ch, "GET", "k");
    assertThat(ch.isActive()).isTrue();
    ch.finishAndReleaseAll();
    return reply;
  }
}
