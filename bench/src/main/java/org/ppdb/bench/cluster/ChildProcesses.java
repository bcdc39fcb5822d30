package org.ppdb.bench.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The processes one cluster benchmark started (servers, peers, members, workers), so that every one
 * of them is stopped: when its step ends, when the benchmark fails, and on Ctrl-C or SIGTERM
 * through a shutdown hook.
 *
 * <p>Stopping is polite first (SIGTERM, so that redis-server and ppdb close their files), then
 * forceful after a bounded grace period, and reaches the descendants of a process too (a launcher
 * script that did not {@code exec}). A {@code kill -9} of the benchmark itself cannot run the hook;
 * the Hazelcast members therefore also exit when their standard input closes (see {@link
 * HazelcastMember}).
 *
 * <p>Thread-safe; at most {@link #PROCESSES_MAX} processes at a time.
 */
final class ChildProcesses implements AutoCloseable {
  /** Most processes alive at once; a benchmark step needs at most a handful. */
  static final int PROCESSES_MAX = 32;

  /** How long a stopped process may take to exit after SIGTERM before it is killed. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final List<Process> processes = new ArrayList<>(); // guarded by this
  private final Thread hook;

  /**
   * Tracks processes from now on; on JVM shutdown it stops them, then runs {@code
   * afterShutdownStop} (e.g. deleting their scratch directory, which must wait until they no longer
   * write to it).
   */
  ChildProcesses(Runnable afterShutdownStop) {
    hook =
        new Thread(
            () -> {
              stopAll(STOP_GRACE);
              afterShutdownStop.run();
            },
            "bench-cluster-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code builder}'s command and tracks the process until it is stopped. */
  Process start(ProcessBuilder builder) throws IOException {
    synchronized (this) {
      if (processes.size() >= PROCESSES_MAX) {
        throw new IllegalStateException(
            "child processes: " + processes.size() + " (expected: < " + PROCESSES_MAX + ")");
      }
      Process process = builder.start();
      processes.add(process);
      return process;
    }
  }

  /** Stops {@code process} and its descendants: SIGTERM, then SIGKILL after {@code grace}. */
  void stop(Process process, Duration grace) {
    stop(List.of(process), grace);
  }

  /**
   * Stops {@code targets} together: SIGTERM to all, then SIGKILL to those left after {@code grace}.
   */
  void stop(List<Process> targets, Duration grace) {
    stopAll(targets, grace);
    synchronized (this) {
      processes.removeAll(targets);
    }
  }

  /** Stops every tracked process at once, waiting at most about {@code grace} before killing. */
  void stopAll(Duration grace) {
    List<Process> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(processes);
      processes.clear();
    }
    stopAll(snapshot, grace);
  }

  private static void stopAll(List<Process> targets, Duration grace) {
    List<ProcessHandle> descendants = new ArrayList<>();
    for (Process process : targets) {
      process.descendants().forEach(descendants::add);
      process.destroy();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (Process process : targets) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    for (ProcessHandle handle : descendants) {
      if (handle.isAlive()) {
        handle.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    stopAll(STOP_GRACE);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs (or ran) anyway
    }
  }

  /** The last {@code lines} lines of a log file, for an error message; empty if unreadable. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "";
    }
  }
}
