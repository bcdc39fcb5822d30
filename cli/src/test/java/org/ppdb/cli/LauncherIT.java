package org.ppdb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code bin/ppdb} as a user would, as a separate process, against the jar this build just
 * packaged.
 */
class LauncherIT {

  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

  private record Result(int status, String out, String err) {}

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("ppdb-launcher", ".out");
    Path err = Files.createTempFile("ppdb-launcher", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(ROOT.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out after 120 s: " + command);
      }
      return new Result(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void versionPrintsTheProjectVersionAndTheCheckoutsCommit() throws Exception {
    Result head = run(List.of("git", "rev-parse", "HEAD"));
    Result version = run(List.of(ROOT.resolve("bin/ppdb").toString(), "version"));

    assertThat(version.status()).as("exit status; stderr: %s", version.err()).isZero();
    String line = version.out().strip();
    String expectedVersion = System.getProperty("ppdb.expectedVersion");
    assertThat(line).startsWith("ppdb " + expectedVersion + " (commit ");
    if (head.status() == 0) {
      String commit = line.replaceAll(".*\\(commit ([0-9a-f]+).*", "$1");
      assertThat(commit).hasSizeGreaterThanOrEqualTo(7);
      assertThat(head.out().strip()).startsWith(commit);
    }
  }

  @Test
  void helpListsCommandsAndExitsZero() throws Exception {
    Result help = run(List.of(ROOT.resolve("bin/ppdb").toString(), "--help"));
    assertThat(help.status()).as("stderr: %s", help.err()).isZero();
    assertThat(help.out()).contains("Usage: ppdb").contains("version");
  }

  @Test
  void badUsageExitsTwoWithAMessage() throws Exception {
    Result bad = run(List.of(ROOT.resolve("bin/ppdb").toString(), "no-such-command"));
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("no-such-command");
  }
}
