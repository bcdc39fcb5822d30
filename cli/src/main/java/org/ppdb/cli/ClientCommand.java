package org.ppdb.cli;

import java.util.concurrent.Callable;
import org.ppdb.peer.client.PpdbClient;
import org.ppdb.peer.client.PpdbClientException;
import org.ppdb.peer.client.PpdbTimeoutException;
import picocli.CommandLine;

/**
 * The shape of a client command: connect with the shared {@link ClientOptions}, run one operation,
 * close, and turn client errors into one line on standard error with exit status 1 (usage errors
 * stay picocli's, with status 2).
 */
abstract class ClientCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ClientOptions options;

  /** Runs the operation; returns the exit status. */
  abstract int run(PpdbClient client);

  /**
   * Checks the command's own options before connecting; throws {@link
   * CommandLine.ParameterException}.
   */
  void validate() {}

  @Override
  public final Integer call() {
    CommandLine commandLine = spec.commandLine();
    String name = "ppdb " + spec.name();
    validate();
    try (PpdbClient client = options.connect(commandLine)) {
      int status = run(client);
      commandLine.getOut().flush();
      return status;
    } catch (PpdbTimeoutException e) {
      commandLine.getErr().println(name + ": indeterminate: " + e.getMessage());
    } catch (PpdbClientException e) {
      commandLine.getErr().println(name + ": " + e.getMessage());
    }
    commandLine.getErr().flush();
    return 1;
  }

  static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
