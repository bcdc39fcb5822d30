package org.ppdb.bench.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ppdb.bench.BenchReport;
import org.ppdb.bench.MachineFacts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run cluster}: ppdb as a replicated store against redis-server and Hazelcast, in one
 * run on this machine (issue 8's benchmark).
 *
 * <ul>
 *   <li>redis-benchmark {@code -t set,get -c 50 -n 1000000 -r 1000000 -d 100}, without and with
 *       {@code -P 16}, against (a) redis-server with {@code appendonly yes}, {@code appendfsync
 *       everysec}; (b) one ppdb peer with N = 1; (c) three ppdb peers with N = 3 at QUORUM.
 *   <li>A Java workload ({@link JavaWorkload}: 50 threads, 16-byte keys, 100-byte values, 50%
 *       reads) through ppdb's {@code PpdbClient} against a fresh (c), and through Hazelcast's Java
 *       client against three Hazelcast 5 members in JVMs of their own with two synchronous backups.
 * </ul>
 *
 * <p>Every server gets a scratch directory under {@code bench/work/} and free ports on 127.0.0.1,
 * and is stopped after its step, also on failure and on Ctrl-C ({@link ChildProcesses}). A failed
 * step becomes a note and its figures {@code n/a}; the others still run. After {@code --runs} runs
 * it reports the median of each figure and the ratios, prints the table and writes {@code
 * bench/results/cluster.json}.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "ppdb (1 peer N=1; 3 peers N=3 QUORUM) against redis-server (AOF) with redis-benchmark, and"
          + " ppdb's Java client against Hazelcast 5 (3 members, 2 sync backups).",
      "Systems: redis, ppdb1, ppdb3, ppdb-java, hazelcast."
    })
public final class ClusterBenchmark implements Callable<Integer> {
  /** The systems, in the order each run measures them. */
  static final List<String> SYSTEMS = List.of("redis", "ppdb1", "ppdb3", "ppdb-java", "hazelcast");

  private static final long quickRequests = 100_000;
  private static final int quickJavaKeys = 20_000;
  private static final int quickJavaSeconds = 10;
  private static final int quickJavaWarmupSeconds = 5;
  private static final int clusterSize = 3;
  private static final long ppdbBuildRetryMillis = 5_000;
  private static final String ppdbJar = "cli/target/ppdb.jar";

  @Option(names = "--runs", description = "Runs; the median is reported (default 3; --quick 1).")
  Integer runs;

  @Option(
      names = "--quick",
      description =
          "A cheap trial: 100,000 requests per redis-benchmark test, 20,000 Java keys for 10 s,"
              + " 1 run.")
  boolean quick;

  @Option(
      names = "--requests",
      description = "redis-benchmark -n: requests per test (default 1,000,000; --quick 100,000).")
  Long requests;

  @Option(
      names = "--keyspace",
      defaultValue = "1000000",
      description = "redis-benchmark -r: random keys (default ${DEFAULT-VALUE}).")
  long keyspace;

  @Option(
      names = "--clients",
      defaultValue = "50",
      description = "redis-benchmark -c: connections (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--pipeline",
      defaultValue = "16",
      description = "redis-benchmark -P of the pipelined tests (default ${DEFAULT-VALUE}).")
  int pipeline;

  @Option(
      names = "--value-bytes",
      defaultValue = "100",
      description = "Bytes per value, both workloads (default ${DEFAULT-VALUE}).")
  int valueBytes;

  @Option(
      names = "--threads",
      defaultValue = "50",
      description = "Java workload threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--java-keys",
      description = "Java workload keys, all written once before timing (default 100,000).")
  Integer javaKeys;

  @Option(
      names = "--java-seconds",
      description = "Length of the Java workload's timed phase (default 30; --quick 10).")
  Integer javaSeconds;

  @Option(
      names = "--java-warmup-seconds",
      description =
          "Untimed mixed workload after the preload, before timing, on both systems (default 20;"
              + " --quick 5).")
  Integer javaWarmupSeconds;

  @Option(
      names = "--java-ops",
      defaultValue = "0",
      description = "Operations of the Java timed phase instead of a duration (default: by time).")
  long javaOps;

  @Option(
      names = "--read-percent",
      defaultValue = "50",
      description = "Share of gets in the Java workload (default ${DEFAULT-VALUE}).")
  int readPercent;

  @Option(
      names = "--systems",
      split = ",",
      description =
          "Comma-separated systems to measure (default all): redis, ppdb1, ppdb3,"
              + " ppdb-java, hazelcast.")
  List<String> systems;

  @Option(
      names = "--server-heap",
      defaultValue = "1g",
      description =
          "-Xms and -Xmx of each ppdb peer and Hazelcast member (default ${DEFAULT-VALUE}).")
  String serverHeap;

  @Option(
      names = "--client-heap",
      defaultValue = "1g",
      description = "-Xmx of the Java workload's JVM (default ${DEFAULT-VALUE}).")
  String clientHeap;

  @Option(
      names = "--seed",
      defaultValue = "20261121",
      description = "Seed of the Java workload (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--ready-timeout-seconds",
      defaultValue = "180",
      description = "How long a server or cluster may take to be ready (default ${DEFAULT-VALUE}).")
  int readyTimeoutSeconds;

  @Option(
      names = "--step-timeout-seconds",
      defaultValue = "1800",
      description =
          "Time limit of one redis-benchmark or Java workload invocation (default ${DEFAULT-VALUE}).")
  int stepTimeoutSeconds;

  @Option(
      names = "--work-dir",
      description = "Where servers keep their data during the run (default bench/work).")
  Path workDir;

  @Option(
      names = "--keep-work",
      description =
          "Keep the scratch directory (server data and logs, worker logs) instead of deleting it.")
  boolean keepWork;

  @Option(
      names = "--results",
      description = "Where the JSON report goes (default bench/results/cluster.json).")
  Path results;

  private final Path repoRoot;

  /** The copy of {@code cli/target/ppdb.jar} every peer of this benchmark runs. */
  private Path peerJar;

  /** The class path of workers and Hazelcast members, see {@link JavaCommand#childClassPath}. */
  private String childClassPath;

  public ClusterBenchmark(Path repoRoot) {
    this.repoRoot = repoRoot;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    int runCount = runs != null ? runs : quick ? 1 : 3;
    long requestCount = requests != null ? requests : quick ? quickRequests : 1_000_000;
    List<String> selected = systems == null ? SYSTEMS : List.copyOf(systems);
    WorkloadSettings javaSettings;
    try {
      check(runCount > 0, "runs: " + runCount + " (expected: > 0)");
      check(requestCount > 0, "requests: " + requestCount + " (expected: > 0)");
      check(keyspace > 0, "keyspace: " + keyspace + " (expected: > 0)");
      check(clients > 0, "clients: " + clients + " (expected: > 0)");
      check(pipeline > 1, "pipeline: " + pipeline + " (expected: > 1)");
      for (String system : selected) {
        check(
            SYSTEMS.contains(system),
            "system: " + system + " (expected one of: " + String.join(", ", SYSTEMS) + ")");
      }
      javaSettings =
          new WorkloadSettings(
              threads,
              javaKeys != null ? javaKeys : quick ? quickJavaKeys : 100_000,
              valueBytes,
              readPercent,
              javaSeconds != null ? javaSeconds : quick ? quickJavaSeconds : 30,
              javaOps,
              javaWarmupSeconds != null ? javaWarmupSeconds : quick ? quickJavaWarmupSeconds : 20,
              seed);
    } catch (IllegalArgumentException e) {
      System.err.println("bench/run cluster: " + e.getMessage());
      System.err.println("see bench/run cluster --help");
      return CommandLine.ExitCode.USAGE;
    }

    MachineFacts machineAtStart = MachineFacts.collect(repoRoot);
    Path work = (workDir != null ? workDir : repoRoot.resolve("bench/work")).toAbsolutePath();
    Path resultsFile =
        (results != null ? results : repoRoot.resolve("bench/results/cluster.json"))
            .toAbsolutePath();
    Path scratch = work.resolve("cluster-" + ProcessHandle.current().pid());

    List<String> notes = new ArrayList<>();
    List<Measurement> measurements = new ArrayList<>();
    List<WorkloadResult> javaResults = new ArrayList<>();
    Map<String, String> anchors = new LinkedHashMap<>();
    String redisVersion = RedisServer.version();
    anchors.put(
        ClusterComparison.REDIS,
        "redis-server "
            + (redisVersion == null ? "" : redisVersion + " ")
            + "(appendonly yes, appendfsync everysec)");
    anchors.put(ClusterComparison.HAZELCAST, "hazelcast " + hazelcastVersion());
    System.err.printf(
        Locale.ROOT,
        "cluster benchmark: %d run(s), systems %s, redis-benchmark -n %,d -r %,d -c %d -d %d"
            + " (and -P %d), Java %s; scratch %s%n",
        runCount,
        String.join(",", selected),
        requestCount,
        keyspace,
        clients,
        valueBytes,
        pipeline,
        javaSettings,
        scratch);

    boolean redisTools = ToolVersion.firstLine(List.of("redis-benchmark", "--version")) != null;
    if (!redisTools) {
      notes.add(
          "redis-benchmark is not installed (Debian's redis-tools; bench/run cluster installs it):"
              + " redis-benchmark steps skipped");
    }
    if (redisVersion == null && selected.contains("redis")) {
      notes.add("redis-server is not installed (Debian's redis-server): anchor (a) skipped");
    }
    boolean ppdbBuilt = false;
    if (selected.stream().anyMatch(s -> s.startsWith("ppdb"))) {
      String problem = buildPpdb();
      if (problem != null) {
        // Another build of the shared checkout may have been replacing the jar: try once more.
        Thread.sleep(ppdbBuildRetryMillis);
        problem = buildPpdb();
      }
      if (problem != null) {
        notes.add("bin/ppdb could not be built, ppdb steps skipped: " + problem);
      } else {
        ppdbBuilt = true;
      }
    }

    Runnable cleanupScratch =
        () -> {
          if (!keepWork) {
            deleteQuietly(scratch);
            deleteIfEmpty(work);
          }
        };
    try (ChildProcesses children = new ChildProcesses(cleanupScratch)) {
      Files.createDirectories(scratch);
      childClassPath = JavaCommand.childClassPath(scratch);
      if (ppdbBuilt) {
        peerJar = scratch.resolve("ppdb.jar");
        Files.copy(repoRoot.resolve(ppdbJar), peerJar);
      }
      FreePorts ports = new FreePorts();
      RedisBenchmarkRunner redisBenchmark = new RedisBenchmarkRunner(children, scratch);
      for (int run = 1; run <= runCount; run++) {
        int runNumber = run;
        Path runDir = scratch.resolve("run-" + run);
        Step step = new Step(run, runCount, measurements, notes);
        if (selected.contains("redis") && redisTools && redisVersion != null) {
          step.run(
              ClusterComparison.REDIS,
              () -> {
                try (RedisServer server =
                    RedisServer.start(children, ports, runDir.resolve("redis"), readyTimeout())) {
                  redisBenchmarks(step, redisBenchmark, ClusterComparison.REDIS, server.address());
                }
              });
        }
        if (selected.contains("ppdb1") && redisTools && ppdbBuilt) {
          step.run(
              ClusterComparison.PPDB_N1,
              () -> {
                try (PpdbCluster cluster =
                    startPpdb(children, ports, runDir.resolve("ppdb1"), 1, 1, runNumber)) {
                  redisBenchmarks(
                      step,
                      redisBenchmark,
                      ClusterComparison.PPDB_N1,
                      cluster.clientAddresses().get(0));
                }
              });
        }
        if (selected.contains("ppdb3") && redisTools && ppdbBuilt) {
          step.run(
              ClusterComparison.PPDB_N3,
              () -> {
                try (PpdbCluster cluster =
                    startPpdb(
                        children,
                        ports,
                        runDir.resolve("ppdb3"),
                        clusterSize,
                        clusterSize,
                        runNumber)) {
                  redisBenchmarks(
                      step,
                      redisBenchmark,
                      ClusterComparison.PPDB_N3,
                      cluster.clientAddresses().get(0));
                }
              });
        }
        if (selected.contains("ppdb-java") && ppdbBuilt) {
          // A fresh cluster, so that ppdb holds the same data as Hazelcast: the Java workload's.
          step.run(
              ClusterComparison.PPDB_JAVA,
              () -> {
                try (PpdbCluster cluster =
                    startPpdb(
                        children,
                        ports,
                        runDir.resolve("ppdb-java"),
                        clusterSize,
                        clusterSize,
                        runNumber)) {
                  List<String> addresses = new ArrayList<>();
                  for (InetSocketAddress address : cluster.clientAddresses()) {
                    addresses.add("127.0.0.1:" + address.getPort());
                  }
                  javaWorkload(
                      step,
                      children,
                      runDir,
                      ClusterComparison.PPDB_JAVA,
                      List.of("--system=ppdb", "--consistency=QUORUM"),
                      addresses,
                      javaSettings,
                      javaResults);
                }
              });
        }
        if (selected.contains("hazelcast")) {
          step.run(
              ClusterComparison.HAZELCAST,
              () -> {
                String name = "ppdb-bench-" + ProcessHandle.current().pid() + "-" + runNumber;
                try (HazelcastCluster cluster =
                    HazelcastCluster.start(
                        children,
                        ports,
                        runDir.resolve("hazelcast"),
                        clusterSize,
                        name,
                        childClassPath,
                        serverJvmOptions(),
                        readyTimeout())) {
                  javaWorkload(
                      step,
                      children,
                      runDir,
                      ClusterComparison.HAZELCAST,
                      List.of("--system=hazelcast", "--cluster-name=" + name),
                      cluster.addresses(),
                      javaSettings,
                      javaResults);
                }
              });
        }
        if (!keepWork) {
          deleteQuietly(runDir);
        }
        if (run < runCount) {
          // A long benchmark that is stopped still leaves the figures of its completed runs.
          report(
                  run,
                  runCount,
                  requestCount,
                  selected,
                  javaSettings,
                  machineAtStart,
                  notes,
                  measurements,
                  javaResults,
                  anchors)
              .writeJson(resultsFile);
          System.err.println("partial results of " + run + " run(s) written: " + resultsFile);
        }
      }
    }

    BenchReport report =
        report(
            runCount,
            runCount,
            requestCount,
            selected,
            javaSettings,
            machineAtStart,
            notes,
            measurements,
            javaResults,
            anchors);
    report.writeJson(resultsFile);
    System.out.print(ClusterTable.format(report));
    System.out.println();
    System.out.println("written: " + resultsFile);

    if (keepWork) {
      System.out.println("kept: " + scratch);
    }
    cleanupScratch.run();
    return 0;
  }

  /**
   * The report of the runs done so far: medians, ratios, and the notes of the steps plus those
   * derived from the figures (Java workload errors, goals, load).
   */
  private BenchReport report(
      int runsDone,
      int runCount,
      long requestCount,
      List<String> selected,
      WorkloadSettings javaSettings,
      MachineFacts machineAtStart,
      List<String> stepNotes,
      List<Measurement> measurements,
      List<WorkloadResult> javaResults,
      Map<String, String> anchors) {
    List<String> notes = new ArrayList<>(stepNotes);
    for (WorkloadResult result : javaResults) {
      if (result.system().startsWith("hazelcast")) {
        anchors.put(ClusterComparison.HAZELCAST, result.system());
      }
      if (result.errors() > 0 || result.misses() > 0 || result.preloadErrors() > 0) {
        notes.add(
            String.format(
                Locale.ROOT,
                "%s: %,d failed requests (%,d timeouts), %,d gets found no value, %,d failed"
                    + " preload puts%s",
                result.system(),
                result.errors(),
                result.timeouts(),
                result.misses(),
                result.preloadErrors(),
                result.errorSamples().isEmpty() ? "" : "; first: " + result.errorSamples().get(0)));
      }
    }
    notes.addAll(
        ClusterComparison.goalNotes(
            measurements, ClusterComparison.goals(clients, pipeline, threads, readPercent)));
    double loadAtEnd =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    if (machineAtStart.loadAverage() >= 0 && loadAtEnd >= 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "load average %.1f at the start and %.1f at the end, on %d cores; the load"
                  + " generators share the cores with the servers",
              machineAtStart.loadAverage(),
              loadAtEnd,
              machineAtStart.cores()));
    }

    String title =
        String.format(
                Locale.ROOT,
                "redis-benchmark -t set,get -c %d -n %,d -r %,d -d %d (and -P %d); Java %d threads,"
                    + " %d%% reads, %,d keys of %d B, values of %d B, %s; median of %d run(s)",
                clients,
                requestCount,
                keyspace,
                valueBytes,
                pipeline,
                javaSettings.threads(),
                javaSettings.readPercent(),
                javaSettings.keys(),
                WorkloadSettings.KEY_BYTES,
                javaSettings.valueBytes(),
                (javaSettings.ops() > 0
                        ? String.format(Locale.ROOT, "%,d ops", javaSettings.ops())
                        : javaSettings.seconds() + " s")
                    + " after "
                    + javaSettings.warmupSeconds()
                    + " s of warm-up",
                runsDone)
            + (runsDone < runCount ? " (partial: " + runsDone + " of " + runCount + " runs)" : "");
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("runs", runCount);
    settings.put("systems", selected);
    settings.put(
        "redis_benchmark",
        String.join(
            " ",
            RedisBenchmarkRunner.command(
                "HOST", 0, "set,get", clients, requestCount, keyspace, valueBytes, 1)));
    settings.put("pipeline", pipeline);
    settings.put("redis_server", String.join(" ", RedisServer.command(0, Path.of("DIR"))));
    settings.put(
        "ppdb_peer",
        String.join(
                " ",
                PpdbCluster.command(
                    serverJvmOptions(),
                    Path.of(ppdbJar),
                    "NAME",
                    Path.of("DIR"),
                    0,
                    0,
                    0,
                    clusterSize,
                    "SEED"))
            + " (bin/ppdb peer's command, from a copy of the jar built by bin/ppdb version;"
            + " storage lsm, wal-sync periodic: the defaults)");
    settings.put("ppdb_redis_benchmark_target", "the first peer's client port");
    settings.put(
        "hazelcast",
        clusterSize
            + " members, TCP-IP join on 127.0.0.1, IMap backup-count "
            + HazelcastMember.BACKUP_COUNT
            + ", async-backup-count 0, smart client, IMap.set/get");
    settings.put("server_jvm", serverJvmOptions());
    settings.put("client_jvm", clientJvmOptions());
    settings.put("java_workload", javaSettings);
    settings.put("anchors", anchors);
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("measurements", measurements);
    raw.put("java", javaResults);
    return new BenchReport(
        "cluster",
        title,
        MachineFacts.collect(repoRoot),
        settings,
        ClusterComparison.rows(measurements, anchors, comparedSystems(selected)),
        notes,
        raw);
  }

  /** One measured system of one run; a failure becomes a note and the run goes on. */
  private static final class Step {
    interface Body {
      void run() throws Exception;
    }

    private final int run;
    private final int runCount;
    private final List<Measurement> measurements;
    private final List<String> notes;

    Step(int run, int runCount, List<Measurement> measurements, List<String> notes) {
      this.run = run;
      this.runCount = runCount;
      this.measurements = measurements;
      this.notes = notes;
    }

    void run(String system, Body body) throws InterruptedException {
      System.err.printf(Locale.ROOT, "run %d/%d: %s ...%n", run, runCount, system);
      try {
        body.run();
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        String message = "run " + run + ", " + system + ": " + e.getMessage();
        System.err.println("  failed: " + message);
        notes.add(message);
      }
    }

    void add(String system, String workload, double opsPerSecond, double p50, double p99) {
      System.err.printf(
          Locale.ROOT,
          "  %s, %s: %,.0f ops/s, p50 %.3f ms, p99 %.3f ms%n",
          system,
          workload,
          opsPerSecond,
          p50,
          p99);
      measurements.add(new Measurement(run, system, workload, opsPerSecond, p50, p99));
    }
  }

  private void redisBenchmarks(
      Step step, RedisBenchmarkRunner runner, String system, InetSocketAddress address)
      throws IOException, InterruptedException {
    long requestCount = requests != null ? requests : quick ? quickRequests : 1_000_000;
    for (int depth : List.of(1, pipeline)) {
      List<RedisBenchmarkResult> results =
          runner.run(
              RedisBenchmarkRunner.command(
                  "127.0.0.1",
                  address.getPort(),
                  "set,get",
                  clients,
                  requestCount,
                  keyspace,
                  valueBytes,
                  depth),
              Duration.ofSeconds(stepTimeoutSeconds));
      for (String test : List.of("SET", "GET")) {
        RedisBenchmarkResult result = RedisBenchmarkCsv.find(results, test);
        if (result == null) {
          throw new IOException("redis-benchmark printed no " + test + " result: " + results);
        }
        step.add(
            system,
            ClusterComparison.redisWorkload(test, clients, depth),
            result.requestsPerSecond(),
            result.p50Millis(),
            result.p99Millis());
      }
    }
  }

  private void javaWorkload(
      Step step,
      ChildProcesses children,
      Path runDir,
      String system,
      List<String> systemArgs,
      List<String> addresses,
      WorkloadSettings settings,
      List<WorkloadResult> results)
      throws IOException, InterruptedException {
    Files.createDirectories(runDir);
    String tag = system.replaceAll("[^A-Za-z0-9]+", "-");
    Path out = runDir.resolve(tag + ".json");
    Path log = runDir.resolve(tag + "-worker.log");
    List<String> command = new ArrayList<>();
    command.add(JavaCommand.javaBinary());
    command.addAll(clientJvmOptions());
    command.add("-cp");
    command.add(childClassPath);
    command.add("org.ppdb.bench.Bench");
    command.add("cluster-worker");
    command.addAll(systemArgs);
    command.add("--addresses=" + String.join(",", addresses));
    command.add("--threads=" + settings.threads());
    command.add("--keys=" + settings.keys());
    command.add("--value-bytes=" + settings.valueBytes());
    command.add("--read-percent=" + settings.readPercent());
    command.add("--seconds=" + settings.seconds());
    command.add("--ops=" + settings.ops());
    command.add("--warmup-seconds=" + settings.warmupSeconds());
    command.add("--seed=" + settings.seed());
    command.add("--connect-timeout-seconds=" + readyTimeoutSeconds);
    command.add("--out=" + out);
    Process process =
        children.start(
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()));
    boolean exited = process.waitFor(stepTimeoutSeconds, TimeUnit.SECONDS);
    children.stop(process, ChildProcesses.STOP_GRACE);
    if (!exited) {
      throw new IOException(
          "Java workload killed after "
              + stepTimeoutSeconds
              + " s: "
              + ChildProcesses.tail(log, 10));
    }
    if (process.exitValue() != 0 || !Files.exists(out)) {
      throw new IOException(
          "Java workload exited with status "
              + process.exitValue()
              + ": "
              + ChildProcesses.tail(log, 15));
    }
    WorkloadResult result = BenchReport.mapper().readValue(out.toFile(), WorkloadResult.class);
    results.add(result);
    if (result.gets() + result.puts() == 0) {
      throw new IOException(
          "no request of the Java workload succeeded ("
              + result.errors()
              + " failed); first: "
              + (result.errorSamples().isEmpty() ? "none" : result.errorSamples().get(0)));
    }
    step.add(
        system,
        ClusterComparison.javaWorkload(settings.threads(), settings.readPercent()),
        result.opsPerSecond(),
        result.p50Millis(),
        result.p99Millis());
  }

  private PpdbCluster startPpdb(
      ChildProcesses children, FreePorts ports, Path directory, int size, int n, int run)
      throws IOException, InterruptedException {
    String name = "ppdb-bench-" + ProcessHandle.current().pid() + "-" + run + "-n" + n;
    return PpdbCluster.start(
        children, ports, peerJar, directory, size, n, name, serverJvmOptions(), readyTimeout());
  }

  /**
   * Builds {@code cli/target/ppdb.jar} through {@code bin/ppdb version} when it is stale, so that
   * peers start at once; returns a problem or null.
   */
  private String buildPpdb() throws InterruptedException {
    System.err.println("cluster benchmark: bin/ppdb version (builds ppdb if its sources changed)");
    try {
      Path log = Files.createTempFile("ppdb-bench-ppdb-version", ".log");
      Process process =
          new ProcessBuilder(repoRoot.resolve("bin/ppdb").toString(), "version")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!process.waitFor(stepTimeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        Files.deleteIfExists(log);
        return "bin/ppdb version did not finish in " + stepTimeoutSeconds + " s";
      }
      String tail = ChildProcesses.tail(log, 10);
      Files.deleteIfExists(log);
      return process.exitValue() == 0 ? null : tail;
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /** The {@link ClusterComparison} names of the systems selected by {@code --systems}. */
  static java.util.Set<String> comparedSystems(List<String> selected) {
    java.util.Set<String> compared = new java.util.HashSet<>();
    for (String system : selected) {
      compared.add(
          switch (system) {
            case "redis" -> ClusterComparison.REDIS;
            case "ppdb1" -> ClusterComparison.PPDB_N1;
            case "ppdb3" -> ClusterComparison.PPDB_N3;
            case "ppdb-java" -> ClusterComparison.PPDB_JAVA;
            case "hazelcast" -> ClusterComparison.HAZELCAST;
            default -> throw new IllegalArgumentException("system: " + system);
          });
    }
    return compared;
  }

  private Duration readyTimeout() {
    return Duration.ofSeconds(readyTimeoutSeconds);
  }

  private List<String> serverJvmOptions() {
    // A fixed heap, as servers run (Cassandra's and Hazelcast's own guides set -Xms = -Xmx): a heap
    // that starts at 1/64 of the machine's memory keeps G1 marking concurrently to avoid growing
    // it (a mark cycle several times a second measured in a ppdb peer under load), which costs both
    // systems alike, noisily.
    return List.of("-Xms" + serverHeap, "-Xmx" + serverHeap);
  }

  private List<String> clientJvmOptions() {
    return List.of("-Xmx" + clientHeap);
  }

  private static String hazelcastVersion() {
    return com.hazelcast.instance.BuildInfoProvider.getBuildInfo().getVersion();
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  private static void deleteIfEmpty(Path directory) {
    try {
      Files.deleteIfExists(directory); // only if no other benchmark is using it
    } catch (IOException e) {
      // not empty: another benchmark's scratch space; leave it
    }
  }

  private static void deleteQuietly(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + directory + ": " + e.getMessage());
    }
  }
}
