package org.ppdb.bench.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.ppdb.bench.BenchReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One engine's run of the storage workloads, in a JVM of its own so that its peak resident set size
 * and its disk writes are its own. Started by {@link StorageBenchmark}, not by hand: it reads the
 * settings from a JSON file and rewrites its {@link EngineRun} to {@code --out} after every
 * workload (atomically, through a rename), so the coordinator keeps what was measured even if the
 * worker dies. Progress goes to standard error.
 *
 * <p>Exit status: 0 when every workload ran (each may still have failed, which the file records), 3
 * when a workload overran its time limit (the JVM halts, since that workload's threads may still
 * hold the engine).
 */
@Command(
    name = "storage-worker",
    hidden = true,
    description = "Runs the storage workloads on one engine (started by 'storage').")
public final class StorageWorker implements Callable<Integer> {
  static final int exitTimedOut = 3;

  @Option(names = "--engine", required = true, description = "Engine: ppdb or rocksdb.")
  String engine;

  @Option(names = "--settings", required = true, description = "Settings file (JSON).")
  Path settingsFile;

  @Option(names = "--database", required = true, description = "Database directory to use.")
  Path database;

  @Option(names = "--out", required = true, description = "Where to write the run (JSON).")
  Path out;

  @Option(names = "--run", defaultValue = "1", description = "Run number, from 1.")
  int run;

  @Option(names = "--runs", defaultValue = "1", description = "Number of runs, for progress lines.")
  int runs;

  @Override
  public Integer call() throws IOException {
    ObjectMapper mapper = BenchReport.mapper();
    StorageSettings settings = mapper.readValue(settingsFile.toFile(), StorageSettings.class);
    EngineDriver driver = EngineDrivers.create(engine, settings);
    String description = driver.description();
    String label = engine + " run " + run + "/" + runs;
    WorkloadRunner runner = new WorkloadRunner(driver, settings, database, label, System.err);
    try {
      List<WorkloadMeasurement> measurements =
          runner.runAll(
              sofar -> write(mapper, new EngineRun(engine, description, run, -1, sofar, false)));
      write(
          mapper,
          new EngineRun(
              engine, description, run, ProcessCounters.peakRssBytes(), measurements, true));
      return 0;
    } catch (TimeoutException e) {
      System.err.println("[" + label + "] " + e.getMessage() + "; stopping this run");
      System.err.flush();
      Runtime.getRuntime().halt(exitTimedOut);
      return exitTimedOut;
    }
  }

  private void write(ObjectMapper mapper, EngineRun engineRun) {
    try {
      Path temporary = out.resolveSibling(out.getFileName() + ".tmp");
      mapper.writeValue(temporary.toFile(), engineRun);
      Files.move(
          temporary, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + out, e);
    }
  }
}
