package org.ppdb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ppdb.simulation.SimulationFailure;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.report.SvgPlot;
import org.ppdb.simulation.scenario.Progress;
import org.ppdb.simulation.scenario.Scenario;
import org.ppdb.simulation.scenario.ScenarioOptions;
import org.ppdb.simulation.scenario.Scenarios;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ppdb simulate}: runs one named scenario of the deterministic simulator with the real
 * gossip and DHT cores, prints the figures, and optionally writes them as JSON and the run's course
 * as an SVG chart. Exit status 0 when every checker passed, 1 when one found a violation (the
 * report then names the one command that replays the run), 2 for bad usage.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a deterministic simulation of real ppdb protocol code (gossip, DHT) with network and"
          + " node faults, and report its figures. The same seed and options replay a run"
          + " exactly (same trace hash).",
      "",
      "Scenarios:",
      "  crash           members crash: detection latency, false deaths, bytes",
      "  partition-heal  split, isolate, majorities ring, bridge or one-way; heal",
      "  churn           members join, leave, crash and restart: join propagation",
      "  starved-member  one member starved of CPU (Lifeguard): false deaths",
      "  dht-lookup      Kademlia lookups vs brute-force closest-k, failed nodes",
      "  rendezvous      new peers find their cluster through the DHT",
      "  peers-crash     full peer cores (gossip + DHT): crash, detect, restart",
      "  kv              replicated key-value store, Jepsen style: lost writes,",
      "                  register regressions, equal replicas after faults",
      "  swarm           scenario, size, faults, rates and configuration drawn",
      "                  from the seed",
      "",
      "Heap: bin/ppdb runs the JVM with its default heap (a quarter of RAM). 1,000",
      "gossip members need well under 1 GiB; 10,000 members or 100,000 DHT nodes",
      "want 8 GiB, given through PPDB_JAVA_OPTS:",
      "  PPDB_JAVA_OPTS=-Xmx8g bin/ppdb simulate --scenario crash \\",
      "      --peers 10000 --duration 10m --loss 0.05",
      "  PPDB_JAVA_OPTS=-Xmx8g bin/ppdb simulate --scenario dht-lookup \\",
      "      --peers 100000 --lookups 10000 --join-refreshes 0",
      "",
      "A long swarm, stopping at the first failing seed:",
      "  for s in $(seq 1 500); do",
      "    bin/ppdb simulate --scenario swarm --seed $s --quiet || break; done",
      ""
    })
final class SimulateCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--scenario",
      paramLabel = "NAME",
      description = "The scenario to run (see above); --list prints them.")
  String scenario;

  @Option(
      names = "--peers",
      paramLabel = "N",
      description = "Cluster size (gossip members or DHT nodes); default: drawn from the seed.")
  Integer peers;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Master seed; default: a random seed, printed so the run can be replayed.")
  Long seed;

  @Option(
      names = "--duration",
      paramLabel = "D",
      description =
          "Simulated length of the fault phase or measurement, e.g. 90s, 10m, 1h;"
              + " default: the scenario's.")
  String duration;

  @Option(
      names = "--loss",
      paramLabel = "P",
      description = "Random message loss in [0, 1), e.g. 0.05; default: drawn from the seed.")
  Double loss;

  @Option(
      names = "--preset",
      paramLabel = "PRESET",
      description =
          "Gossip configuration: ppdb (ppdb's defaults) or memberlist (memberlist's LAN"
              + " defaults); default ppdb.")
  String preset;

  @Option(
      names = "--failed",
      paramLabel = "F",
      description =
          "Fraction of nodes that fail, e.g. 0.2: DHT scenarios fail them silently before the"
              + " lookups; crash spreads that many crashes over the fault phase.")
  Double failed;

  @Option(
      names = "--lookups",
      paramLabel = "N",
      description = "dht-lookup: number of lookups to run.")
  Integer lookups;

  @Option(
      names = "--join-refreshes",
      paramLabel = "N",
      description =
          "DHT scenarios: bucket refresh lookups after a node's bootstrap (default: the"
              + " protocol's); 0 grows large networks about ten times faster.")
  Integer joinRefreshes;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Write the report (seed, configuration, figures, trace hash) as JSON.")
  Path json;

  @Option(
      names = "--plot",
      paramLabel = "FILE",
      description = "Write the course of the run as an SVG chart.")
  Path plot;

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

  @Option(names = "--list", description = "List the scenarios and exit.")
  boolean list;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (list) {
      for (Scenario s : Scenarios.all()) {
        out.printf(Locale.ROOT, "%-15s %s%n", s.name(), s.summary());
      }
      out.flush();
      return 0;
    }
    if (scenario == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Missing --scenario (one of " + String.join(", ", Scenarios.names()) + ")");
    }
    Scenario chosen =
        Scenarios.byName(scenario)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        spec.commandLine(),
                        "Unknown scenario: "
                            + scenario
                            + " (expected one of "
                            + String.join(", ", Scenarios.names())
                            + ")"));
    ScenarioOptions options;
    try {
      options =
          new ScenarioOptions(
              chosen.name(),
              seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE,
              peers,
              duration == null ? null : ScenarioOptions.parseDuration(duration),
              loss,
              preset,
              failed,
              lookups,
              joinRefreshes);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    if (seed == null) {
      err.println("seed " + options.seed() + " (replay: " + options.replayCommand() + ")");
      err.flush();
    }
    WallProgress progress = new WallProgress(quiet ? null : err);
    long started = System.nanoTime();
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long cpuStarted =
        threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    Report report;
    try {
      report = chosen.run(options, progress);
    } catch (SimulationFailure e) {
      err.println("simulation failed: " + e.getMessage());
      e.printStackTrace(err);
      err.println("replay: " + options.replayCommand());
      err.flush();
      return 1;
    }
    report.wallSeconds((System.nanoTime() - started) / 1e9);
    if (cpuStarted >= 0) {
      report.cpuSeconds((threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9);
    }
    progress.done();
    out.print(report.toText());
    out.flush();
    if (json != null) {
      Files.writeString(json, report.toJson(), StandardCharsets.UTF_8);
    }
    if (plot != null) {
      Files.writeString(plot, SvgPlot.render(report), StandardCharsets.UTF_8);
    }
    return report.passed() ? 0 : 1;
  }

  /**
   * Prints a progress line to stderr at most every two wall seconds, and measures the heap when the
   * scenario asks (after a full collection, so the figure is live data, not garbage).
   */
  private static final class WallProgress implements Progress {
    private static final long PRINT_INTERVAL_NANOS = 2_000_000_000L;
    private final PrintWriter err;
    private final long startNanos = System.nanoTime();
    private final long baselineHeapBytes;
    private long lastPrintNanos = startNanos;
    private boolean printed;

    WallProgress(PrintWriter err) {
      this.err = err;
      this.baselineHeapBytes = usedHeapAfterGc();
    }

    @Override
    public void update(double simulatedSeconds, double totalSeconds, String status) {
      long now = System.nanoTime();
      if (err == null || now - lastPrintNanos < PRINT_INTERVAL_NANOS) {
        return;
      }
      lastPrintNanos = now;
      double wall = (now - startNanos) / 1e9;
      err.printf(
          Locale.ROOT,
          "[%6.1f wall s] simulated %.1f / %.1f s (%.1f sim s per wall s) %s%n",
          wall,
          simulatedSeconds,
          totalSeconds,
          simulatedSeconds / Math.max(1e-9, wall),
          status);
      err.flush();
      printed = true;
    }

    @Override
    public long measureHeapBytes() {
      return Math.max(0, usedHeapAfterGc() - baselineHeapBytes);
    }

    void done() {
      if (printed) {
        err.flush();
      }
    }

    private static long usedHeapAfterGc() {
      Runtime runtime = Runtime.getRuntime();
      System.gc();
      System.gc();
      return runtime.totalMemory() - runtime.freeMemory();
    }
  }
}
