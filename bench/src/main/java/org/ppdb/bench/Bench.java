package org.ppdb.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ppdb.bench.cluster.ClusterBenchmark;
import org.ppdb.bench.cluster.ClusterWorker;
import org.ppdb.bench.storage.StorageBenchmark;
import org.ppdb.bench.storage.StorageWorker;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of {@code bench/run NAME [options]}: one subcommand per benchmark. Each benchmark
 * prints a table and writes {@code bench/results/NAME.json} (see {@link BenchReport}).
 *
 * <p>The repository root comes from the system property {@code ppdb.bench.root}, which {@code
 * bench/run} sets; it defaults to the working directory.
 */
@Command(
    name = "bench/run",
    mixinStandardHelpOptions = true,
    description = "Runs a ppdb benchmark beside its anchor; see bench/run NAME --help.")
public final class Bench implements Callable<Integer> {
  /** Exit status for a missing or unknown benchmark name, or bad options. */
  static final int exitUsage = CommandLine.ExitCode.USAGE;

  private Bench() {}

  /** The command line with every benchmark registered, rooted at {@code repoRoot}. */
  public static CommandLine commandLine(Path repoRoot) {
    CommandLine commandLine = new CommandLine(new Bench());
    commandLine.addSubcommand(new StorageBenchmark(repoRoot));
    commandLine.addSubcommand(new StorageWorker());
    commandLine.addSubcommand(new ClusterBenchmark(repoRoot));
    commandLine.addSubcommand(new ClusterWorker());
    return commandLine;
  }

  @Override
  public Integer call() {
    // No benchmark named: list them and fail, so that a typo in a script does not pass silently.
    System.err.println("bench/run: no benchmark named; available benchmarks:");
    System.err.print(listing(commandLine(Path.of("."))));
    return exitUsage;
  }

  /** One line per visible benchmark: its name and the first line of its description. */
  static String listing(CommandLine commandLine) {
    StringBuilder out = new StringBuilder();
    commandLine
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().usageMessage().hidden()) {
                out.append("  ")
                    .append(name)
                    .append("  ")
                    .append(sub.getCommandSpec().usageMessage().description()[0])
                    .append('\n');
              }
            });
    return out.toString();
  }

  public static void main(String[] args) {
    Path root = Path.of(System.getProperty("ppdb.bench.root", ".")).toAbsolutePath().normalize();
    System.exit(commandLine(root).execute(args));
  }
}
