package org.ppdb.bench.cluster;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ppdb.bench.BenchReport;
import org.ppdb.peer.api.Consistency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run cluster-worker} (hidden): runs the Java workload against one system in a JVM of
 * its own and writes a {@link WorkloadResult} as JSON; {@link ClusterBenchmark} starts it once per
 * system and run, so that neither client inherits the other's JIT state or garbage. It exits when
 * its standard input closes, so that it never outlives the benchmark that started it.
 */
@Command(
    name = "cluster-worker",
    hidden = true,
    description = "Runs the cluster benchmark's Java workload against one system (internal).")
public final class ClusterWorker implements Callable<Integer> {
  /** The systems a worker can drive. */
  static final List<String> SYSTEMS = List.of("ppdb", "hazelcast");

  @Option(names = "--system", required = true, description = "ppdb or hazelcast.")
  String system;

  @Option(
      names = "--addresses",
      required = true,
      split = ",",
      description = "HOST:PORT of every peer's client port or every Hazelcast member.")
  List<String> addresses;

  @Option(names = "--cluster-name", defaultValue = "bench", description = "Hazelcast cluster name.")
  String clusterName;

  @Option(names = "--consistency", defaultValue = "QUORUM", description = "ppdb consistency.")
  Consistency consistency;

  @Option(names = "--threads", defaultValue = "50")
  int threads;

  @Option(names = "--keys", defaultValue = "100000")
  int keys;

  @Option(names = "--value-bytes", defaultValue = "100")
  int valueBytes;

  @Option(names = "--read-percent", defaultValue = "50")
  int readPercent;

  @Option(names = "--seconds", defaultValue = "30")
  int seconds;

  @Option(names = "--ops", defaultValue = "0")
  long ops;

  @Option(names = "--warmup-seconds", defaultValue = "0")
  int warmupSeconds;

  @Option(names = "--seed", defaultValue = "20261121")
  long seed;

  @Option(names = "--request-timeout-ms", defaultValue = "5000")
  long requestTimeoutMillis;

  @Option(names = "--connect-timeout-seconds", defaultValue = "60")
  long connectTimeoutSeconds;

  @Option(names = "--out", required = true, description = "Where the JSON result goes.")
  Path out;

  @Override
  public Integer call() throws Exception {
    WorkloadSettings settings =
        new WorkloadSettings(
            threads, keys, valueBytes, readPercent, seconds, ops, warmupSeconds, seed);
    exitWhenStandardInputCloses();
    // Hazelcast logs every connection at INFO through java.util.logging; only problems matter here.
    Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
    try (KeyValueTarget target = connect()) {
      System.err.println("cluster-worker: " + target.description() + ", " + settings);
      WorkloadResult result = JavaWorkload.run(target, settings);
      BenchReport.mapper().writeValue(out.toFile(), result);
    }
    return 0;
  }

  /**
   * The benchmark keeps this JVM's standard input open as a pipe; when it closes, the benchmark has
   * gone (even by {@code kill -9}) and the load it no longer measures should stop too.
   */
  private static void exitWhenStandardInputCloses() {
    Thread watchdog =
        new Thread(
            () -> {
              try (java.io.InputStream in = System.in) {
                while (in.read() >= 0) {
                  // ignore input
                }
              } catch (java.io.IOException e) {
                // treat as closed
              }
              System.err.println("cluster-worker: standard input closed, exiting");
              System.exit(3);
            },
            "stdin-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private KeyValueTarget connect() throws InterruptedException {
    Duration connectTimeout = Duration.ofSeconds(connectTimeoutSeconds);
    switch (system) {
      case "hazelcast":
        return HazelcastTarget.connect(clusterName, addresses, connectTimeout);
      case "ppdb":
        {
          List<InetSocketAddress> seeds = new ArrayList<>();
          for (String address : addresses) {
            int colon = address.lastIndexOf(':');
            seeds.add(
                new InetSocketAddress(
                    address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
          }
          return PpdbTarget.connect(seeds, consistency, Duration.ofMillis(requestTimeoutMillis));
        }
      default:
        throw new IllegalArgumentException(
            "system: " + system + " (expected one of: " + String.join(", ", SYSTEMS) + ")");
    }
  }
}
