package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.peer.api.LocalKeyValueService;
import org.ppdb.storage.StorageEngine;

/**
 * redis-benchmark against one front end over the LSM engine (single node, no replication): prints
 * requests per second and latency for SET and GET, without and with pipelining. A measurement, not
 * a gate: it fails only if the benchmark cannot run cleanly. {@code slow}: run with {@code mvn -B
 * -pl peer verify -Pslow -Dit.test=RedisBenchmarkIT}.
 */
@Tag("slow")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RedisBenchmarkIT {
  static {
    NettyLeaks.install();
  }

  @TempDir Path dir;

  @Test
  void setAndGetWithAndWithoutPipelining() throws Exception {
    Path benchmark = null;
    for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(p, "redis-benchmark"))) {
        benchmark = Path.of(p, "redis-benchmark");
      }
    }
    Assumptions.assumeTrue(
        benchmark != null, "redis-benchmark is not installed (apt-get install -y redis-tools)");
    AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    StorageEngine engine = RespFixture.openEngine(dir, clock);
    ThreadPoolExecutor storage =
        new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(65_536));
    AtomicLong versions = new AtomicLong();
    RespServer server =
        new RespServer(
            RespConfig.defaults(),
            new LocalKeyValueService(engine, versions::incrementAndGet, clock::get, storage),
            RespFixture.INFO,
            clock::get);
    try {
      InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));
      for (String pipeline : List.of("1", "16")) {
        List<String> command =
            List.of(
                benchmark.toString(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(address.getPort()),
                "-t",
                "set,get",
                "-c",
                "50",
                "-n",
                "200000",
                "-r",
                "1000000",
                "-d",
                "100",
                "-P",
                pipeline,
                "-q");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
          process.getOutputStream().close();
          String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
          // Progress lines end in \r; the results are the lines that report the rate.
          String summary =
              String.join(
                  "\n",
                  out.replace('\r', '\n')
                      .lines()
                      .filter(l -> l.contains("requests per second"))
                      .toList());
          System.out.println("redis-benchmark -P " + pipeline + ":\n" + summary);
          assertThat(out).contains("SET: ").contains("GET: ").doesNotContain("ERR");
        } finally {
          process.destroyForcibly();
        }
      }
    } finally {
      server.close();
      storage.shutdown();
      storage.awaitTermination(10, TimeUnit.SECONDS);
      engine.close();
    }
    NettyLeaks.assertNone();
  }
}
