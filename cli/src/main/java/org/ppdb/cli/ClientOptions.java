package org.ppdb.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.client.PpdbClient;
import org.ppdb.peer.client.PpdbClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every client command shares ({@code put}, {@code get}, {@code del}, {@code scan},
 * {@code ring}): which peer to ask first, the password and the consistency. Like every option they
 * also come from the environment ({@code PPDB_HOST}, ...) and a {@code --config} file.
 */
final class ClientOptions {
  /** The Redis-protocol port peers listen on by default. */
  static final int CLIENT_PORT_DEFAULT = 6379;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file with option values (keys are option names without --).")
  Path config;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "A peer to ask first (any member will do). Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = {"-p", "--client-port"},
      defaultValue = "" + CLIENT_PORT_DEFAULT,
      description =
          "That peer's client (Redis protocol) port, its --client-port; PPDB_CLIENT_PORT and a"
              + " peer's config file set it too. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--password",
      description = "The peers' password (their --requirepass), if they have one.")
  String password;

  @Option(
      names = "--consistency",
      defaultValue = "QUORUM",
      paramLabel = "LEVEL",
      description = "How many replicas must answer: ONE, QUORUM or ALL. Default: ${DEFAULT-VALUE}.")
  String consistency;

  @Option(
      names = "--timeout-ms",
      defaultValue = "5000",
      description =
          "How long a request may take before it is reported as indeterminate."
              + " Default: ${DEFAULT-VALUE}.")
  long timeoutMillis;

  /** The client configuration these options describe. */
  PpdbClientConfig toConfig(CommandLine commandLine) {
    if (port < 1 || port > 65_535) {
      throw new CommandLine.ParameterException(
          commandLine, "--port: " + port + " (expected: 1..65535)");
    }
    if (timeoutMillis < 1) {
      throw new CommandLine.ParameterException(
          commandLine, "--timeout-ms: " + timeoutMillis + " (expected: >= 1)");
    }
    Consistency level = Consistency.parse(consistency);
    if (level == null) {
      throw new CommandLine.ParameterException(
          commandLine, "--consistency: '" + consistency + "' (expected: ONE, QUORUM or ALL)");
    }
    return PpdbClientConfig.builder()
        .seeds(List.of(new InetSocketAddress(host, port)))
        .password(password)
        .consistency(level)
        .requestTimeout(Duration.ofMillis(timeoutMillis))
        .connectTimeout(Duration.ofMillis(Math.min(timeoutMillis, 2_000)))
        .connectionsPerPeer(1)
        .ioThreads(1)
        .build();
  }

  PpdbClient connect(CommandLine commandLine) {
    return PpdbClient.connect(toConfig(commandLine));
  }
}
