package org.ppdb.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.ppdb.peer.client.PpdbClient;
import org.ppdb.peer.client.ScanResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ppdb scan [--match P] [--count N]}: lists the keys of the whole cluster. */
@Command(
    name = "scan",
    description = {
      "Print every key of the cluster (one per line), page by page, optionally filtered by a"
          + " Redis glob pattern.",
      "",
      "  ppdb scan --match 'user:*'",
      "  ppdb scan --count 1000 --limit 50",
      "",
      "Exit status: 0 done, 1 failed, 2 bad usage."
    },
    sortOptions = false,
    mixinStandardHelpOptions = true)
final class ScanCommand extends ClientCommand {
  @Option(
      names = "--match",
      paramLabel = "PATTERN",
      description = "Only keys matching this glob pattern (*, ?, [abc], \\ escapes).")
  String match;

  @Option(
      names = "--count",
      defaultValue = "100",
      description = "Keys examined per page (a hint to the server). Default: ${DEFAULT-VALUE}.")
  int count;

  @Option(
      names = "--limit",
      paramLabel = "KEYS",
      description = "Stop after printing this many keys (default: all).")
  Long limit;

  @Override
  void validate() {
    if (count < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--count: " + count + " (expected: >= 1)");
    }
    if (limit != null && limit < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit: " + limit + " (expected: >= 1)");
    }
  }

  @Override
  int run(PpdbClient client) {
    PrintWriter out = spec.commandLine().getOut();
    long printed = 0;
    String cursor = ScanResult.START;
    do {
      ScanResult page = client.scan(cursor, match, count);
      for (byte[] key : page.keys()) {
        out.println(new String(key, StandardCharsets.UTF_8));
        if (limit != null && ++printed >= limit) {
          return 0;
        }
      }
      cursor = page.cursor();
    } while (!cursor.equals(ScanResult.START));
    return 0;
  }
}
