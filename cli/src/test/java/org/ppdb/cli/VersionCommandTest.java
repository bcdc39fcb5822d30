package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class VersionCommandTest {

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Ppdb.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void versionPrintsTheProjectVersionFromThePom() {
    Run run = run("version");
    assertThat(run.status()).isZero();
    // The surefire configuration passes the project version, so this compares against the pom.
    String expected = System.getProperty("ppdb.expectedVersion");
    assertThat(expected).as("ppdb.expectedVersion system property").isNotBlank();
    assertThat(run.out()).startsWith("ppdb " + expected + " (commit ");
  }

  @Test
  void versionPrintsTheCommitItWasBuiltFrom() {
    String expectedCommit = System.getProperty("ppdb.expectedCommit", "");
    Run run = run("version");
    if (expectedCommit.isBlank() || expectedCommit.startsWith("${")) {
      // A build outside a git checkout records "unknown", never a made-up commit.
      assertThat(run.out()).contains("(commit unknown");
    } else {
      assertThat(run.out()).contains("(commit " + expectedCommit);
      assertThat(expectedCommit).matches("[0-9a-f]{7,40}");
    }
  }

  @Test
  void dashDashVersionAgreesWithVersionCommand() {
    assertThat(run("--version").out()).isEqualTo(run("version").out());
  }

  @Test
  void helpListsTheSubCommands() {
    Run run = run("--help");
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("Usage: ppdb").contains("version");
  }

  @Test
  void noSubCommandIsBadUsage() {
    Run run = run();
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Missing sub-command");
  }

  @Test
  void unknownSubCommandIsBadUsageNamingIt() {
    Run run = run("frobnicate");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("frobnicate");
  }
}
