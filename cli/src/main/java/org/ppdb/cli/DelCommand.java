package org.ppdb.cli;

import org.ppdb.peer.client.PpdbClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ppdb del KEY}: deletes one key. */
@Command(
    name = "del",
    description = {
      "Delete a key; prints 1 if it existed, 0 if not.",
      "",
      "  ppdb del user:1",
      "",
      "Exit status: 0 deleted or absent, 1 failed (or indeterminate), 2 bad usage."
    },
    sortOptions = false,
    mixinStandardHelpOptions = true)
final class DelCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Override
  int run(PpdbClient client) {
    spec.commandLine().getOut().println(client.delete(utf8(key)) ? "1" : "0");
    return 0;
  }
}
