package org.ppdb.cli;

import java.time.Duration;
import org.ppdb.peer.client.PpdbClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ppdb put KEY VALUE [--ttl-ms N]}: writes one key. */
@Command(
    name = "put",
    description = {
      "Write a key (UTF-8 text) to the cluster; prints OK once enough replicas have it.",
      "",
      "  ppdb put user:1 alice",
      "  ppdb put session:9 token --ttl-ms 60000 --consistency ALL",
      "",
      "Exit status: 0 written, 1 failed (or indeterminate: the write may or may not have"
          + " happened), 2 bad usage."
    },
    sortOptions = false,
    mixinStandardHelpOptions = true)
final class PutCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "The value.")
  String value;

  @Option(
      names = "--ttl-ms",
      paramLabel = "MILLIS",
      description = "Expire the key after this many milliseconds (default: never).")
  Long ttlMillis;

  @Override
  void validate() {
    if (ttlMillis != null && ttlMillis < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--ttl-ms: " + ttlMillis + " (expected: >= 1)");
    }
  }

  @Override
  int run(PpdbClient client) {
    if (ttlMillis != null) {
      client.put(utf8(key), utf8(value), Duration.ofMillis(ttlMillis));
    } else {
      client.put(utf8(key), utf8(value));
    }
    spec.commandLine().getOut().println("OK");
    return 0;
  }
}
