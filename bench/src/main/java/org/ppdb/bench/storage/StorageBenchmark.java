package org.ppdb.bench.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.ppdb.bench.BenchReport;
import org.ppdb.bench.ComparisonRow;
import org.ppdb.bench.MachineFacts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench/run storage}: the db_bench-style workloads on ppdb's LSM engine and on RocksDB
 * (rocksdbjni), side by side in one run with equal settings.
 *
 * <p>Each run starts one worker JVM per engine ({@link StorageWorker}), alternating which engine
 * goes first, so that each engine's peak RSS and disk writes are its own and neither inherits the
 * other's page cache or JIT state. After all runs it reports, per workload and metric, the median
 * over the runs on each side and their ratio, prints the table and writes {@code
 * bench/results/storage.json}. Databases live under {@code bench/work/} and are deleted afterwards,
 * also on Ctrl-C.
 */
@Command(
    name = "storage",
    mixinStandardHelpOptions = true,
    description = {
      "db_bench-style workloads on ppdb's LSM engine and on RocksDB (rocksdbjni), side by side.",
      "Workloads: fillseq, fillrandom, overwrite, readrandom, readrandom-2t, readmissing,"
          + " seekrandom, readseq, deleterandom, fillsync."
    })
public final class StorageBenchmark implements Callable<Integer> {
  private static final int quickNum = 100_000;
  private static final long mebibyte = 1024 * 1024;

  @Option(
      names = "--num",
      description =
          "Keys in the key space; fills write each once (default 1,000,000; --quick 100,000).")
  Integer num;

  @Option(names = "--runs", description = "Runs per engine; the median is reported (default 3).")
  Integer runs;

  @Option(names = "--quick", description = "A cheap smoke run: 100,000 keys, 1 run.")
  boolean quick;

  @Option(names = "--reads", description = "Operations of each read workload (default --num).")
  Integer reads;

  @Option(names = "--seeks", description = "Seeks of seekrandom (default --num / 10).")
  Integer seeks;

  @Option(
      names = "--seek-nexts",
      defaultValue = "10",
      description = "Entries read after each seek (default ${DEFAULT-VALUE}).")
  int seekNexts;

  @Option(
      names = "--sync-ops",
      description = "Synced puts of fillsync (default max(1,000, --num / 100)).")
  Integer syncOps;

  @Option(
      names = "--sync-threads",
      defaultValue = "16",
      description = "Writer threads of fillsync (default ${DEFAULT-VALUE}).")
  int syncThreads;

  @Option(
      names = "--value-bytes",
      defaultValue = "100",
      description = "Bytes per value (default ${DEFAULT-VALUE}).")
  int valueBytes;

  @Option(
      names = "--memtable-mib",
      defaultValue = "64",
      description = "Memtable size in MiB, both engines (default ${DEFAULT-VALUE}).")
  long memtableMebibytes;

  @Option(
      names = "--block-cache-mib",
      defaultValue = "64",
      description = "Block cache size in MiB, both engines (default ${DEFAULT-VALUE}).")
  long blockCacheMebibytes;

  @Option(
      names = "--bloom-bits",
      defaultValue = "10",
      description = "Bloom filter bits per key, both engines (default ${DEFAULT-VALUE}).")
  int bloomBitsPerKey;

  @Option(
      names = "--block-bytes",
      defaultValue = "4096",
      description = "SSTable data block size, both engines (default ${DEFAULT-VALUE}).")
  int blockBytes;

  @Option(
      names = "--compression",
      defaultValue = "none",
      description = "Block compression, both engines: none or lz4 (default ${DEFAULT-VALUE}).")
  String compression;

  @Option(
      names = "--ppdb-engine",
      defaultValue = "lsm",
      description = "The ppdb engine measured: lsm or memory (default ${DEFAULT-VALUE}).")
  String ppdbEngine;

  @Option(
      names = "--memory-mib",
      defaultValue = "1024",
      description =
          "Memory limit of ppdb's in-memory engine in MiB, with --ppdb-engine memory (default"
              + " ${DEFAULT-VALUE}; keep it below --heap).")
  long memoryMebibytes;

  @Option(
      names = "--seed",
      defaultValue = "20261121",
      description = "Seed of keys and values (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--workloads",
      split = ",",
      description = "Comma-separated workloads to run (default all).")
  List<String> workloads;

  @Option(
      names = "--engines",
      split = ",",
      description = "Comma-separated engines to run: ppdb, rocksdb (default both).")
  List<String> engines;

  @Option(
      names = "--heap",
      defaultValue = "1g",
      description =
          "Maximum heap of each worker JVM, same for every engine (default ${DEFAULT-VALUE}).")
  String heap;

  @Option(
      names = "--jvm-option",
      description =
          "Extra option for each worker JVM (repeatable), e.g. --jvm-option=-XX:+UseParallelGC.")
  List<String> jvmOptions;

  @Option(
      names = "--settle-seconds-max",
      defaultValue = "120",
      description =
          "After a write workload, how long to wait for flushes and compactions (default ${DEFAULT-VALUE}).")
  int settleSecondsMax;

  @Option(
      names = "--workload-seconds-max",
      defaultValue = "1800",
      description = "Time limit of one workload (default ${DEFAULT-VALUE}).")
  int workloadSecondsMax;

  @Option(
      names = "--work-dir",
      description = "Where databases live during the run (default bench/work).")
  Path workDir;

  @Option(
      names = "--results",
      description = "Where the JSON report goes (default bench/results/storage.json).")
  Path results;

  private final Path repoRoot;

  public StorageBenchmark(Path repoRoot) {
    this.repoRoot = repoRoot;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    StorageSettings settings;
    int runCount = runs != null ? runs : quick ? 1 : 3;
    List<String> engineNames = engines == null ? EngineDrivers.names() : List.copyOf(engines);
    try {
      settings = settings();
      if (runCount <= 0) {
        throw new IllegalArgumentException("runs: " + runCount + " (expected: > 0)");
      }
      for (String engine : engineNames) {
        if (!EngineDrivers.names().contains(engine)) {
          throw new IllegalArgumentException(
              "engine: "
                  + engine
                  + " (expected one of: "
                  + String.join(", ", EngineDrivers.names())
                  + ")");
        }
      }
    } catch (IllegalArgumentException e) {
      // Reported like a parsing error: the message, a pointer to the options, exit status 2.
      System.err.println("bench/run storage: " + e.getMessage());
      System.err.println("see bench/run storage --help");
      return CommandLine.ExitCode.USAGE;
    }
    MachineFacts machine = MachineFacts.collect(repoRoot);
    Path work = (workDir != null ? workDir : repoRoot.resolve("bench/work")).toAbsolutePath();
    Path resultsFile =
        (results != null ? results : repoRoot.resolve("bench/results/storage.json"))
            .toAbsolutePath();
    Path scratch = work.resolve("storage-" + ProcessHandle.current().pid());
    Files.createDirectories(scratch);
    List<Process> children = new ArrayList<>();
    Thread cleanup =
        new Thread(
            () -> {
              synchronized (children) {
                children.forEach(Process::destroyForcibly);
              }
              deleteQuietly(scratch);
              try {
                Files.deleteIfExists(work); // only if no other run is using it
              } catch (IOException e) {
                // not empty: another benchmark's scratch space; leave it
              }
            },
            "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);

    ObjectMapper mapper = BenchReport.mapper();
    Path settingsFile = scratch.resolve("settings.json");
    mapper.writeValue(settingsFile.toFile(), settings);
    System.err.printf(
        Locale.ROOT,
        "storage benchmark: %,d keys, %d run(s), engines %s, workloads %s; databases under %s%n",
        settings.num(),
        runCount,
        String.join(",", engineNames),
        String.join(",", settings.workloads()),
        scratch);

    Map<String, List<EngineRun>> runsByEngine = new LinkedHashMap<>();
    Map<String, String> descriptions = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (String engine : engineNames) {
      runsByEngine.put(engine, new ArrayList<>());
    }
    for (int run = 1; run <= runCount; run++) {
      List<String> order = new ArrayList<>(engineNames);
      if (run % 2 == 0) {
        java.util.Collections.reverse(order); // neither engine always goes first
      }
      for (String engine : order) {
        EngineRun outcome =
            runWorker(engine, run, runCount, settings, settingsFile, scratch, children, notes);
        if (outcome != null) {
          runsByEngine.get(engine).add(outcome);
          descriptions.putIfAbsent(engine, outcome.description());
        }
      }
    }

    List<Workload> selected = new ArrayList<>();
    for (String name : settings.workloads()) {
      selected.add(Workload.byName(name));
    }
    selected.sort(null);
    String anchorName = descriptions.getOrDefault(EngineDrivers.anchor, EngineDrivers.anchor);
    List<ComparisonRow> rows =
        StorageComparison.rows(
            selected,
            anchorName,
            runsByEngine.getOrDefault(EngineDrivers.ppdb, List.of()),
            runsByEngine.getOrDefault(EngineDrivers.anchor, List.of()));
    List<EngineRun> allRuns = new ArrayList<>();
    runsByEngine.values().forEach(allRuns::addAll);
    notes.addAll(StorageComparison.notes(allRuns, settings));
    double loadAtEnd =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    if (machine.loadAverage() >= 0 && loadAtEnd >= 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "load average %.1f at the start and %.1f at the end, on %d cores: figures taken on a"
                  + " busy machine are low and noisy",
              machine.loadAverage(),
              loadAtEnd,
              machine.cores()));
    }

    String title =
        String.format(
            Locale.ROOT,
            "ppdb %s engine; %,d keys of %d B, values of %d B, compression %s, memtable %d MiB,"
                + " block cache %d MiB, bloom %d bits/key, %s; median of %d run(s); anchor %s",
            settings.ppdbEngine(),
            settings.num(),
            settings.keyBytes(),
            settings.valueBytes(),
            settings.compression(),
            settings.memtableBytes() / mebibyte,
            settings.blockCacheBytes() / mebibyte,
            settings.bloomBitsPerKey(),
            settings.ppdbEngine().equals("memory")
                ? "WAL on for rocksdb (ppdb memory has none)"
                : "WAL on",
            runCount,
            anchorName);
    Map<String, Object> settingsMap = new LinkedHashMap<>();
    settingsMap.put("runs", runCount);
    settingsMap.put("engines", descriptions);
    settingsMap.put("worker_jvm", workerJvmOptions());
    settingsMap.put("storage", settings);
    BenchReport report =
        new BenchReport(
            "storage",
            title,
            MachineFacts.collect(repoRoot),
            settingsMap,
            rows,
            notes,
            runsByEngine);
    report.writeJson(resultsFile);
    System.out.print(report.toTable());
    System.out.println();
    System.out.println("written: " + resultsFile);

    deleteQuietly(scratch);
    try {
      Files.deleteIfExists(work); // only if no other run is using it
    } catch (IOException e) {
      // not empty: another benchmark's scratch space; leave it
    }
    Runtime.getRuntime().removeShutdownHook(cleanup);
    return 0;
  }

  /** Runs one engine's worker JVM and reads what it wrote, or returns null if it wrote nothing. */
  private EngineRun runWorker(
      String engine,
      int run,
      int runCount,
      StorageSettings settings,
      Path settingsFile,
      Path scratch,
      List<Process> children,
      List<String> notes)
      throws IOException, InterruptedException {
    Path out = scratch.resolve(engine + "-run" + run + ".json");
    Path database = scratch.resolve(engine + "-run" + run);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(workerJvmOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.ppdb.bench.Bench");
    command.add("storage-worker");
    command.add("--engine=" + engine);
    command.add("--settings=" + settingsFile);
    command.add("--database=" + database);
    command.add("--out=" + out);
    command.add("--run=" + run);
    command.add("--runs=" + runCount);
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    synchronized (children) {
      children.add(process);
    }
    long limitSeconds =
        (long) settings.workloads().size()
                * (settings.workloadSecondsMax() + settings.settleSecondsMax())
            + 600;
    boolean exited = process.waitFor(limitSeconds, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor();
      notes.add(engine + " run " + run + ": worker killed after " + limitSeconds + " s");
    } else if (process.exitValue() != 0) {
      notes.add(engine + " run " + run + ": worker exited with status " + process.exitValue());
    }
    synchronized (children) {
      children.remove(process);
    }
    deleteQuietly(database);
    if (!Files.exists(out)) {
      notes.add(engine + " run " + run + ": worker produced no results");
      return null;
    }
    return BenchReport.mapper().readValue(out.toFile(), EngineRun.class);
  }

  private List<String> workerJvmOptions() {
    List<String> options = new ArrayList<>();
    options.add("-Xmx" + heap);
    if (jvmOptions != null) {
      options.addAll(jvmOptions);
    }
    return options;
  }

  StorageSettings settings() {
    int n = num != null ? num : quick ? quickNum : 1_000_000;
    if (n <= 0) {
      throw new IllegalArgumentException("num: " + n + " (expected: > 0)");
    }
    return new StorageSettings(
        n,
        reads != null ? reads : n,
        seeks != null ? seeks : Math.max(1, n / 10),
        seekNexts,
        syncOps != null ? syncOps : Math.max(1_000, n / 100),
        syncThreads,
        StorageSettings.keyBytesFixed,
        valueBytes,
        memtableMebibytes * mebibyte,
        blockCacheMebibytes * mebibyte,
        bloomBitsPerKey,
        blockBytes,
        compression,
        ppdbEngine,
        memoryMebibytes * mebibyte,
        seed,
        workloads == null ? Workload.labels() : workloads,
        settleSecondsMax,
        workloadSecondsMax);
  }

  private static void deleteQuietly(Path directory) {
    try {
      WorkloadRunner.deleteRecursively(directory);
    } catch (IOException e) {
      System.err.println("could not delete " + directory + ": " + e.getMessage());
    }
  }
}
