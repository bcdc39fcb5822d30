package org.ppdb.bench.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Runs the selected workloads, in {@link Workload} order, against one engine in this JVM, and
 * measures each: wall-clock throughput, per-operation latency (HdrHistogram, nanosecond
 * resolution), and for writes the disk bytes and database size once flushes and compactions have
 * settled.
 *
 * <p>Key sequences depend only on the seed and the workload, so every engine sees the same keys in
 * the same order. A workload that needs data but finds none (because it was selected without a
 * fill, or after a failure) is preceded by an unmeasured fillrandom. Throughput counts only the
 * operations' loop, like db_bench; the settle time after a write workload is reported separately.
 *
 * <p>Not thread-safe: one runner per worker JVM, driven from its main thread.
 */
final class WorkloadRunner {
  /** Operations between two updates of the shared progress counter. */
  private static final int progressBatch = 1024;

  private static final long progressIntervalMillis = 5_000;
  private static final long settlePollMillis = 200;
  private static final long settleQuietMillis = 1_000;
  private static final int histogramDigits = 3;

  private final EngineDriver driver;
  private final StorageSettings settings;
  private final Path databaseDirectory;
  private final KeySpace keys;
  private final String label;
  private final PrintStream progressOut;

  private boolean open;
  private boolean openWithSync;
  private boolean populated;

  /**
   * @param label how progress lines name this run, e.g. {@code ppdb run 1/3}
   * @param progressOut where progress lines go (standard error in a worker)
   */
  WorkloadRunner(
      EngineDriver driver,
      StorageSettings settings,
      Path databaseDirectory,
      String label,
      PrintStream progressOut) {
    this.driver = driver;
    this.settings = settings;
    this.databaseDirectory = databaseDirectory;
    this.keys = new KeySpace(settings.num(), settings.valueBytes(), settings.seed());
    this.label = label;
    this.progressOut = progressOut;
  }

  /**
   * Runs every selected workload, passing the measurements so far to {@code afterEach} after each
   * one, then closes the engine and deletes its directory. A failed workload is recorded with its
   * error and the next one starts from a reopened database. A workload that overruns {@code
   * workloadSecondsMax} throws {@link TimeoutException} with the measurements so far recorded: its
   * threads may still hold the engine, so nothing can safely run after it.
   */
  List<WorkloadMeasurement> runAll(Consumer<List<WorkloadMeasurement>> afterEach)
      throws IOException, TimeoutException {
    List<Workload> selected = new ArrayList<>();
    for (String name : settings.workloads()) {
      selected.add(Workload.byName(name));
    }
    selected.sort(Comparator.naturalOrder());
    List<WorkloadMeasurement> results = new ArrayList<>();
    deleteRecursively(databaseDirectory);
    try {
      for (Workload workload : selected) {
        WorkloadMeasurement measurement;
        try {
          measurement = run(workload);
        } catch (TimeoutException e) {
          results.add(WorkloadMeasurement.failed(workload.label(), e.getMessage()));
          afterEach.accept(List.copyOf(results));
          throw e;
        } catch (Exception | Error e) {
          measurement = WorkloadMeasurement.failed(workload.label(), describe(e));
          progressOut.printf("[%s] %s failed: %s%n", label, workload.label(), describe(e));
          closeQuietly();
          deleteRecursively(databaseDirectory); // the next workload starts from a clean state
          populated = false;
        }
        results.add(measurement);
        afterEach.accept(List.copyOf(results));
      }
    } finally {
      closeQuietly();
    }
    deleteRecursively(databaseDirectory);
    return results;
  }

  private WorkloadMeasurement run(Workload workload) throws Exception {
    if (workload.freshDatabase()) {
      closeQuietly();
      deleteRecursively(databaseDirectory);
      populated = false;
    }
    ensureOpen(workload.syncEveryWrite());
    if (!workload.freshDatabase() && !populated) {
      progressOut.printf(
          "[%s] %s needs data: an unmeasured fillrandom first%n", label, workload.label());
      execute(Workload.FILLRANDOM, "setup for " + workload.label());
      populated = true;
    }
    long diskBefore = ProcessCounters.writeBytes();
    Execution execution = execute(workload, workload.label());
    if (workload == Workload.FILLSEQ || workload == Workload.FILLRANDOM) {
      populated = true;
    } else if (workload == Workload.DELETERANDOM || workload == Workload.FILLSYNC) {
      populated = false; // keys are gone, or only a random subset exists
    }

    Long userBytes = null;
    Long diskBytes = null;
    Double writeAmplification = null;
    Long databaseBytes = null;
    Double spaceAmplification = null;
    Double settleSeconds = null;
    java.util.Map<String, Object> engineStats = null;
    if (workload.writes()) {
      long settleStart = System.nanoTime();
      settle();
      settleSeconds = (System.nanoTime() - settleStart) / 1e9;
      long diskAfter = ProcessCounters.writeBytes();
      boolean deletes = workload == Workload.DELETERANDOM;
      userBytes = execution.operations * (deletes ? settings.keyBytes() : settings.entryBytes());
      if (diskBefore >= 0 && diskAfter >= 0) {
        diskBytes = diskAfter - diskBefore;
        if (workload.reportsWriteAmplification()) {
          writeAmplification = diskBytes / (double) userBytes;
        }
      }
      try {
        engineStats = driver.engineStats();
      } catch (Exception e) {
        engineStats = java.util.Map.of("error", describe(e));
      }
      long directoryBytes = ProcessCounters.directoryBytes(databaseDirectory);
      if (directoryBytes >= 0) {
        databaseBytes = directoryBytes;
        if (workload.reportsSpaceAmplification()) {
          spaceAmplification = directoryBytes / (double) (settings.num() * settings.entryBytes());
        }
      }
    }
    Histogram latency = execution.latency;
    boolean hasLatency = latency != null && latency.getTotalCount() > 0;
    WorkloadMeasurement measurement =
        new WorkloadMeasurement(
            workload.label(),
            execution.operations,
            execution.threads,
            execution.seconds,
            execution.seconds > 0 ? execution.operations / execution.seconds : null,
            hasLatency ? latency.getValueAtPercentile(50) / 1000.0 : null,
            hasLatency ? latency.getValueAtPercentile(99) / 1000.0 : null,
            hasLatency ? latency.getValueAtPercentile(99.9) / 1000.0 : null,
            workload.writes() ? null : execution.found,
            userBytes,
            diskBytes,
            writeAmplification,
            databaseBytes,
            spaceAmplification,
            settleSeconds,
            null,
            engineStats);
    progressOut.printf(
        Locale.ROOT,
        "[%s] %-13s %,12.0f ops/s%s%s%n",
        label,
        workload.label(),
        measurement.opsPerSecond() == null ? Double.NaN : measurement.opsPerSecond(),
        hasLatency
            ? String.format(
                Locale.ROOT,
                "  p50 %.2f us  p99 %.2f us",
                measurement.p50Micros(),
                measurement.p99Micros())
            : "",
        writeAmplification == null
            ? ""
            : String.format(Locale.ROOT, "  write-amp %.2f", writeAmplification));
    return measurement;
  }

  /** The outcome of running one workload's operations. */
  private static final class Execution {
    long operations;
    int threads;
    double seconds;
    long found;
    Histogram latency;
  }

  private Execution execute(Workload workload, String name) throws Exception {
    int threads = workload.threads(settings);
    long operations = workload.operations(settings);
    // The same sequence for every engine: seeded by the workload, then split per thread.
    SplittableRandom workloadRandom =
        new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + workload.ordinal());
    int[] order = workload == Workload.FILLRANDOM ? keys.shuffledIndexes(workloadRandom) : null;
    LongAdder progress = new LongAdder();
    Histogram[] histograms = new Histogram[threads];
    long[] found = new long[threads];
    long[] done = new long[threads];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch startGate = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      long from = operations * t / threads;
      long to = operations * (t + 1) / threads;
      SplittableRandom random = workloadRandom.split();
      histograms[t] = new Histogram(histogramDigits);
      Thread worker =
          new Thread(
              () -> {
                try {
                  startGate.await();
                  Outcome outcome = new Outcome();
                  runSlice(
                      workload, from, to, random, order, histograms[thread], progress, outcome);
                  found[thread] = outcome.found;
                  done[thread] = outcome.done;
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "bench-" + workload.label() + "-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    Thread reporter = startProgress(name, progress, workload == Workload.READSEQ ? -1 : operations);
    long start = System.nanoTime();
    startGate.countDown();
    long deadline = start + TimeUnit.SECONDS.toNanos(settings.workloadSecondsMax());
    try {
      for (Thread worker : workers) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(worker, left);
        }
        if (worker.isAlive()) {
          throw new TimeoutException(
              name
                  + ": still running after "
                  + settings.workloadSecondsMax()
                  + " s (workloadSecondsMax), "
                  + progress.sum()
                  + " of "
                  + operations
                  + " operations done");
        }
      }
    } finally {
      reporter.interrupt();
    }
    long end = System.nanoTime();
    Throwable error = failure.get();
    if (error instanceof Exception) {
      throw (Exception) error;
    }
    if (error != null) {
      throw new IllegalStateException(name + ": a worker thread failed", error);
    }
    Execution execution = new Execution();
    execution.threads = threads;
    execution.seconds = (end - start) / 1e9;
    Histogram merged = new Histogram(histogramDigits);
    for (int t = 0; t < threads; t++) {
      merged.add(histograms[t]);
      execution.found += found[t];
      execution.operations += done[t];
    }
    execution.latency = workload.recordsLatency() ? merged : null;
    return execution;
  }

  /** What one thread's slice did. */
  private static final class Outcome {
    long found;
    long done;
  }

  private void runSlice(
      Workload workload,
      long from,
      long to,
      SplittableRandom random,
      int[] order,
      Histogram latency,
      LongAdder progress,
      Outcome outcome)
      throws Exception {
    int num = settings.num();
    if (workload == Workload.READSEQ) {
      long[] pending = new long[1];
      long entries =
          driver.scan(
              (keyBytes, valueBytes) -> {
                if (++pending[0] == progressBatch) {
                  progress.add(pending[0]);
                  pending[0] = 0;
                }
              });
      progress.add(pending[0]);
      outcome.done = entries;
      outcome.found = entries;
      return;
    }
    int batch = 0;
    for (long op = from; op < to; op++) {
      long start;
      switch (workload) {
        case FILLSEQ:
        case FILLRANDOM:
        case OVERWRITE:
        case FILLSYNC:
          {
            long index =
                workload == Workload.FILLSEQ
                    ? op
                    : workload == Workload.FILLRANDOM ? order[(int) op] : random.nextInt(num);
            byte[] key = keys.key(index);
            byte[] value = keys.value(op + (long) workload.ordinal() * num);
            start = System.nanoTime();
            driver.put(key, value);
            break;
          }
        case READRANDOM:
        case READRANDOM_2T:
        case READMISSING:
          {
            long index = random.nextInt(num);
            byte[] key =
                workload == Workload.READMISSING ? keys.missingKey(index) : keys.key(index);
            start = System.nanoTime();
            byte[] value = driver.get(key);
            if (value != null) {
              outcome.found++;
            }
            break;
          }
        case SEEKRANDOM:
          {
            byte[] key = keys.key(random.nextInt(num));
            start = System.nanoTime();
            if (driver.seek(key, settings.seekNexts() + 1) > 0) {
              outcome.found++;
            }
            break;
          }
        case DELETERANDOM:
          {
            byte[] key = keys.key(random.nextInt(num));
            start = System.nanoTime();
            driver.delete(key);
            break;
          }
        default:
          throw new IllegalStateException("workload: " + workload + " (not a per-op workload)");
      }
      latency.recordValue(System.nanoTime() - start);
      outcome.done++;
      if (++batch == progressBatch) {
        progress.add(batch);
        batch = 0;
      }
    }
    progress.add(batch);
  }

  private Thread startProgress(String name, LongAdder progress, long total) {
    long started = System.nanoTime();
    Thread reporter =
        new Thread(
            () -> {
              try {
                while (true) {
                  Thread.sleep(progressIntervalMillis);
                  long done = progress.sum();
                  double seconds = (System.nanoTime() - started) / 1e9;
                  String share =
                      total > 0 ? String.format(Locale.ROOT, " %3.0f%%", 100.0 * done / total) : "";
                  progressOut.printf(
                      Locale.ROOT,
                      "[%s] %s:%s %,d ops, %,.0f ops/s so far%n",
                      label,
                      name,
                      share,
                      done,
                      done / seconds);
                }
              } catch (InterruptedException e) {
                // the workload finished
              }
            },
            "bench-progress");
    reporter.setDaemon(true);
    reporter.start();
    return reporter;
  }

  /**
   * Flushes the memtable and waits until the engine reports no background work and the process has
   * written nothing to disk for {@link #settleQuietMillis}, or {@code settleSecondsMax} passes.
   */
  private void settle() throws Exception {
    driver.flush();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.settleSecondsMax());
    long lastBytes = ProcessCounters.writeBytes();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(settlePollMillis);
      long bytes = ProcessCounters.writeBytes();
      if (bytes != lastBytes) {
        lastBytes = bytes;
        quietSince = System.nanoTime();
      }
      if (!driver.backgroundWorkPending()
          && System.nanoTime() - quietSince >= TimeUnit.MILLISECONDS.toNanos(settleQuietMillis)) {
        return;
      }
    }
    progressOut.printf(
        "[%s] background work still running after %d s (settleSecondsMax)%n",
        label, settings.settleSecondsMax());
  }

  private void ensureOpen(boolean syncEveryWrite) throws Exception {
    if (open && openWithSync == syncEveryWrite) {
      return;
    }
    closeQuietly();
    Files.createDirectories(databaseDirectory);
    driver.open(databaseDirectory, settings, syncEveryWrite);
    open = true;
    openWithSync = syncEveryWrite;
  }

  private void closeQuietly() {
    if (!open) {
      return;
    }
    open = false;
    try {
      driver.close();
    } catch (Exception | Error e) {
      progressOut.printf("[%s] closing %s failed: %s%n", label, driver.name(), describe(e));
    }
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (var paths = Files.walk(directory)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
