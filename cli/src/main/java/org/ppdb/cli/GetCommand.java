package org.ppdb.cli;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.ppdb.peer.client.PpdbClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ppdb get KEY}: prints one key's value. */
@Command(
    name = "get",
    description = {
      "Print a key's value (as UTF-8 text) followed by a newline.",
      "",
      "  ppdb get user:1",
      "",
      "Exit status: 0 found, 1 absent (prints (nil) on standard error) or failed, 2 bad usage."
    },
    sortOptions = false,
    mixinStandardHelpOptions = true)
final class GetCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
  String key;

  @Override
  int run(PpdbClient client) {
    Optional<byte[]> value = client.get(utf8(key));
    if (value.isEmpty()) {
      spec.commandLine().getErr().println("(nil)");
      spec.commandLine().getErr().flush();
      return 1;
    }
    spec.commandLine().getOut().println(new String(value.get(), StandardCharsets.UTF_8));
    return 0;
  }
}
