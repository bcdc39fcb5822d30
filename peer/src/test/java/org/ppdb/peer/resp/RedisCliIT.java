package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.peer.api.LocalKeyValueService;
import org.ppdb.storage.StorageEngine;

/**
 * Debian's redis-cli (package redis-tools) against the server on loopback: plain commands, {@code
 * --pipe} mass insertion, {@code -r} repetition, {@code --scan} cursors, and {@code -a}
 * authentication. Skipped, with a message, when redis-cli is not installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisCliIT {
  static {
    NettyLeaks.install();
  }

  private static final long PROCESS_TIMEOUT_SECONDS = 60;
  private static String redisCli;

  @TempDir Path dir;
  StorageEngine engine;
  ThreadPoolExecutor storageExecutor;
  RespServer server;
  InetSocketAddress address;

  @BeforeAll
  static void findRedisCli() {
    for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(p, "redis-cli");
      if (Files.isExecutable(candidate)) {
        redisCli = candidate.toString();
        return;
      }
    }
    Assumptions.abort(
        "redis-cli is not installed (apt-get install -y redis-tools); skipping the redis-cli tests");
  }

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
            RespConfig.builder().password("pw").build(), service, RespFixture.INFO, clock::get);
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

  /** Runs redis-cli with {@code args} (and {@code stdin}); returns its standard output. */
  private String cli(byte[] stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            redisCli,
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(address.getPort()),
            "-a",
            "pw",
            "--no-auth-warning"));
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      Thread writer = null;
      if (stdin != null) {
        writer =
            new Thread(
                () -> {
                  try (OutputStream out = process.getOutputStream()) {
                    out.write(stdin);
                  } catch (IOException ignored) {
                    // The process died; its exit code and output tell why.
                  }
                });
        writer.start();
      } else {
        process.getOutputStream().close();
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      try (InputStream in = process.getInputStream()) {
        in.transferTo(output);
      }
      assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS))
          .as("redis-cli %s finished in time", command)
          .isTrue();
      if (writer != null) {
        writer.join(TimeUnit.SECONDS.toMillis(PROCESS_TIMEOUT_SECONDS));
      }
      String text = output.toString(StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as("exit code of %s, output: %s", command, text).isZero();
      return text;
    } finally {
      process.destroyForcibly();
    }
  }

  private String cli(String... args) throws Exception {
    return cli(null, args);
  }

  @Test
  void setGetDel() throws Exception {
    assertThat(cli("PING")).isEqualTo("PONG\n");
    assertThat(cli("SET", "greeting", "hello world")).isEqualTo("OK\n");
    assertThat(cli("GET", "greeting")).isEqualTo("hello world\n");
    assertThat(cli("EXISTS", "greeting", "nope")).isEqualTo("1\n");
    assertThat(cli("DEL", "greeting")).isEqualTo("1\n");
    assertThat(cli("GET", "greeting")).isEqualTo("\n");
    assertThat(cli("SET", "t", "v", "EX", "100")).isEqualTo("OK\n");
    assertThat(cli("TTL", "t")).isEqualTo("100\n");
    assertThat(cli("FOO", "bar"))
        .startsWith("ERR unknown command 'FOO', with args beginning with: 'bar' \n");
    assertThat(cli("INFO", "server")).contains("redis_version:7.0.0");
  }

  @Test
  void pipeMassInsertionThenScan() throws Exception {
    int n = 10_000;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(RespFixture.command("SET", "key:" + i, "value:" + i));
    }
    String out = cli(sb.toString().getBytes(StandardCharsets.UTF_8), "--pipe");
    assertThat(out).contains("errors: 0, replies: " + n);
    assertThat(cli("GET", "key:9999")).isEqualTo("value:9999\n");
    assertThat(cli("MGET", "key:0", "key:1", "missing")).isEqualTo("value:0\nvalue:1\n\n");

    // redis-cli parses cursors as numbers: the whole key space comes back exactly once.
    String scanned = cli("--scan", "--pattern", "key:1*");
    List<String> keys = scanned.lines().toList();
    assertThat(keys)
        .hasSize(1 + 10 + 100 + 1000)
        .doesNotHaveDuplicates()
        .allMatch(k -> k.startsWith("key:1"));
    assertThat(cli("DBSIZE").strip()).matches("\\d+");
  }

  @Test
  void repeatedCommands() throws Exception {
    assertThat(cli("-r", "50", "SET", "counter", "x")).isEqualTo("OK\n".repeat(50));
    assertThat(cli("-r", "3", "GET", "counter")).isEqualTo("x\n".repeat(3));
  }

  @Test
  void wrongPasswordIsRefused() throws Exception {
    List<String> command =
        List.of(
            redisCli,
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(address.getPort()),
            "-a",
            "wrong",
            "--no-auth-warning",
            "GET",
            "k");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(out).contains("WRONGPASS").contains("NOAUTH");
    } finally {
      process.destroyForcibly();
    }
  }
}
