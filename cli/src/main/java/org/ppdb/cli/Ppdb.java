package org.ppdb.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ppdb} command. Each sub-command is a class of its own in this package; this class only
 * wires them together and maps the outcome to an exit status.
 *
 * <p>Exit status: 0 on success, 1 when the command failed at run time, 2 for bad usage.
 */
@Command(
    name = "ppdb",
    mixinStandardHelpOptions = true,
    versionProvider = Ppdb.Version.class,
    description = "ppdb: a peer-to-peer, self-organizing, replicated key-value network.",
    subcommands = {VersionCommand.class, CommandLine.HelpCommand.class})
public final class Ppdb implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Without a sub-command, show the usage and fail as bad usage. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command");
  }

  /** Builds the command line with the given output streams; tests call this instead of main. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Ppdb());
    commandLine.setOut(out);
    commandLine.setErr(err);
    return commandLine;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(commandLine(out, err).execute(args));
  }

  /** Feeds {@code --version} from the same facts as {@code ppdb version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BuildInfo.load().describe()};
    }
  }
}
