package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing, usage errors and connection errors of put, get, del, scan and ring. */
class ClientCommandsTest {

  private record Run(int status, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Ppdb.commandLine(new PrintWriter(out), new PrintWriter(err), args, env).execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private static Run run(String... args) {
    return run(Map.of(), args);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void helpShowsUsageExamplesAndTheCommonOptions() {
    for (String command : new String[] {"put", "get", "del", "scan", "ring"}) {
      Run run = run(command, "--help");
      assertThat(run.status()).as(command).isZero();
      assertThat(run.out())
          .as(command)
          .contains("Usage: ppdb " + command)
          .contains("--host")
          .contains("--client-port")
          .contains("--password")
          .contains("--consistency")
          .contains("Exit status");
    }
    assertThat(run("put", "--help").out()).contains("--ttl-ms").contains("ppdb put user:1 alice");
    assertThat(run("scan", "--help").out()).contains("--match").contains("--count");
    assertThat(run("--help").out()).contains("put").contains("get").contains("ring");
  }

  @Test
  void missingArgumentsAreBadUsage() {
    Run run = run("put", "k");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required parameter: 'VALUE'");
    assertThat(run("get").status()).isEqualTo(2);
    assertThat(run("del", "a", "b").status()).isEqualTo(2);
  }

  @Test
  void badOptionValuesAreBadUsageNamingTheOption() throws Exception {
    int port = closedPort();
    Run level = run("get", "k", "--client-port", "" + port, "--consistency", "MOST");
    assertThat(level.status()).isEqualTo(2);
    assertThat(level.err()).contains("--consistency: 'MOST' (expected: ONE, QUORUM or ALL)");
    Run ttl = run("put", "k", "v", "--client-port", "" + port, "--ttl-ms", "0");
    assertThat(ttl.status()).isEqualTo(2);
    assertThat(ttl.err()).contains("--ttl-ms: 0 (expected: >= 1)");
    Run count = run("scan", "--client-port", "" + port, "--count", "0");
    assertThat(count.status()).isEqualTo(2);
    assertThat(count.err()).contains("--count: 0 (expected: >= 1)");
    Run badPort = run("get", "k", "--client-port", "70000");
    assertThat(badPort.status()).isEqualTo(2);
    assertThat(badPort.err()).contains("--port: 70000 (expected: 1..65535)");
    assertThat(run("get", "k", "--client-port", "x").status()).isEqualTo(2);
  }

  @Test
  void anUnreachablePeerIsOneLineAndStatusOne() throws Exception {
    int port = closedPort();
    Run run = run("get", "k", "--client-port", "" + port, "--timeout-ms", "2000");
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("ppdb get: cannot reach any seed")
        .contains(Integer.toString(port))
        .doesNotContain("\tat ");
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void optionsComeFromTheEnvironmentAndTheConfigFile(@TempDir Path dir) throws Exception {
    int port = closedPort();
    Run env = run(Map.of("PPDB_CLIENT_PORT", "" + port, "PPDB_CONSISTENCY", "one"), "get", "k");
    assertThat(env.status()).isEqualTo(1);
    assertThat(env.err()).contains(":" + port);
    Path config = dir.resolve("client.properties");
    Files.writeString(config, "client-port = " + port + "\nconsistency = SOME\n");
    Run file = run("get", "k", "--config", config.toString());
    assertThat(file.status()).isEqualTo(2);
    assertThat(file.err()).contains("--consistency: 'SOME'");
    Files.writeString(config, "prot = 1\n");
    Run typo = run("get", "k", "--config", config.toString());
    assertThat(typo.status()).isEqualTo(2);
    assertThat(typo.err()).contains("unknown key prot");
  }
}
