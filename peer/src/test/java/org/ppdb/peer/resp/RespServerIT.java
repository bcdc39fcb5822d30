package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.peer.api.LocalKeyValueService;
import org.ppdb.storage.StorageEngine;

/** The server on a real loopback socket over a real LSM engine, driven with raw RESP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RespServerIT {
  static {
    NettyLeaks.install();
  }

  @TempDir Path dir;
  StorageEngine engine;
  ThreadPoolExecutor storageExecutor;
  RespServer server;
  InetSocketAddress address;

  @BeforeEach
  void start() {
    AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    engine = RespFixture.openEngine(dir, clock);
    storageExecutor =
        new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(4096));
    AtomicLong versions = new AtomicLong();
    LocalKeyValueService service =
        new LocalKeyValueService(engine, versions::incrementAndGet, clock::get, storageExecutor);
    server =
        new RespServer(
            RespConfig.builder().password("pw").ioThreads(2).build(),
            service,
            RespFixture.INFO,
            clock::get);
    address = server.start(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    storageExecutor.shutdown();
    assertThat(storageExecutor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    engine.close();
    NettyLeaks.assertNone();
  }

  @Test
  void setGetDelOverASocket() throws Exception {
    try (RespClient c = new RespClient(address)) {
      assertThat(c.call("GET", "k")).isEqualTo("-NOAUTH Authentication required.");
      assertThat(c.call("AUTH", "pw")).isEqualTo("OK");
      assertThat(c.call("SET", "k", "hello")).isEqualTo("OK");
      assertThat(c.call("GET", "k")).isEqualTo("hello");
      assertThat(c.call("DEL", "k")).isEqualTo(1L);
      assertThat(c.call("GET", "k")).isNull();
      String big = "x".repeat(1 << 20);
      assertThat(c.call("SET", "big", big)).isEqualTo("OK");
      assertThat(c.call("GET", "big")).isEqualTo(big);
      assertThat(c.call("QUIT")).isEqualTo("OK");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void pipelinedCommandsAnswerInOrder() throws Exception {
    try (RespClient c = new RespClient(address)) {
      StringBuilder sb = new StringBuilder(RespFixture.command("AUTH", "pw"));
      int n = 2000;
      for (int i = 0; i < n; i++) {
        sb.append(RespFixture.command("SET", "key:" + i, "value:" + i));
      }
      for (int i = 0; i < n; i++) {
        sb.append(RespFixture.command("GET", "key:" + i));
      }
      c.write(sb.toString());
      assertThat(c.read()).isEqualTo("OK");
      for (int i = 0; i < n; i++) {
        assertThat(c.read()).as("reply to SET %d", i).isEqualTo("OK");
      }
      for (int i = 0; i < n; i++) {
        assertThat(c.read()).as("reply to GET %d", i).isEqualTo("value:" + i);
      }
      assertThat(c.call("DBSIZE")).isInstanceOf(Long.class);
    }
  }

  @Test
  void concurrentClientsSeeTheirOwnWrites() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int client = t;
        results.add(
            clients.submit(
                () -> {
                  try (RespClient c = new RespClient(address)) {
                    c.call("AUTH", "pw");
                    int ok = 0;
                    for (int i = 0; i < 200; i++) {
                      String key = "c" + client + ":" + i;
                      c.call("SET", key, "v" + i);
                      if (("v" + i).equals(c.call("GET", key))) {
                        ok++;
                      }
                    }
                    return ok;
                  }
                }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      clients.shutdownNow();
    }
    try (RespClient c = new RespClient(address)) {
      c.call("AUTH", "pw");
      @SuppressWarnings("unchecked")
      List<Object> scan = (List<Object>) c.call("SCAN", "0", "MATCH", "c1:*", "COUNT", "1000");
      assertThat(scan.get(0)).isEqualTo("0");
      assertThat((List<?>) scan.get(1)).hasSize(200);
    }
  }

  @Test
  void malformedInputGetsAnErrorAndTheConnectionCloses() throws Exception {
    try (RespClient c = new RespClient(address)) {
      c.write("*1\r\n$4\r\nPINGxx\r\n");
      assertThat((String) c.read()).startsWith("-ERR Protocol error: ");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RespClient c = new RespClient(address)) {
      // Before AUTH only small commands are accepted.
      c.write("*2\r\n$3\r\nGET\r\n$100000\r\n");
      assertThat((String) c.read()).startsWith("-ERR Protocol error: unauthenticated bulk length");
      assertThat(c.closedByServer()).isTrue();
    }
    try (RespClient c = new RespClient(address)) {
      assertThat(c.call("AUTH", "pw")).isEqualTo("OK");
      assertThat(c.call("PING")).isEqualTo("PONG");
    }
    // Closed connections leave the registry once the server has seen them close.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> server.connectedClients() == 0);
  }
}
