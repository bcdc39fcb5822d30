package org.ppdb.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
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
    subcommands = {
      PeerCommand.class,
      MembersCommand.class,
      PutCommand.class,
      GetCommand.class,
      DelCommand.class,
      ScanCommand.class,
      RingCommand.class,
      SimulateCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
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
    commandLine.setExecutionExceptionHandler(Ppdb::reportFailure);
    return commandLine;
  }

  /**
   * Builds the command line whose option defaults also come from the environment and a config file
   * ({@link LayeredDefaults}), as {@link #main} runs it.
   *
   * @throws IllegalArgumentException when a config file is named but cannot be read
   */
  public static CommandLine commandLine(
      PrintWriter out, PrintWriter err, String[] args, Map<String, String> environment) {
    CommandLine commandLine = commandLine(out, err);
    LayeredDefaults defaults = LayeredDefaults.from(args, environment);
    commandLine.setDefaultValueProvider(defaults);
    CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
    commandLine.setExecutionStrategy(
        parseResult -> {
          List<CommandLine> parsed = parseResult.asCommandLineList();
          CommandLine command = parsed.get(parsed.size() - 1);
          try {
            defaults.checkKeys(command.getCommandSpec(), commandLine.getCommandSpec());
          } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command, e.getMessage(), e);
          }
          return runLast.execute(parseResult);
        });
    return commandLine;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int status;
    try {
      status = commandLine(out, err, args, System.getenv()).execute(args);
    } catch (IllegalArgumentException e) {
      err.println("ppdb: " + e.getMessage());
      status = 2;
    }
    System.exit(status);
  }

  /** Feeds {@code --version} from the same facts as {@code ppdb version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BuildInfo.load().describe()};
    }
  }

  /**
   * An operating error (bad file, port in use, unreadable secret) is reported in one line naming
   * the command, with exit status 1; anything else is a bug and keeps its stack trace.
   */
  private static int reportFailure(
      Exception failure, CommandLine command, CommandLine.ParseResult parseResult) {
    PrintWriter err = command.getErr();
    if (failure instanceof java.io.IOException
        || failure instanceof java.io.UncheckedIOException
        || failure instanceof IllegalArgumentException
        || failure instanceof IllegalStateException) {
      err.println("ppdb " + command.getCommandName() + ": " + failure.getMessage());
    } else {
      err.println("ppdb " + command.getCommandName() + ": internal error");
      failure.printStackTrace(err);
    }
    err.flush();
    return 1;
  }
}
