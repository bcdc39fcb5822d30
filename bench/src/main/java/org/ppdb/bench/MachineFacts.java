package org.ppdb.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The facts about the machine and the build that a benchmark figure is meaningless without: cores,
 * memory, JDK, operating system, date, and the git commit of the code measured.
 *
 * @param cores available processors as the JVM sees them
 * @param memoryBytes physical memory, or -1 when unknown
 * @param jdk the running JDK's vendor and version
 * @param os the operating system's name, version and architecture
 * @param date when the benchmark ran, UTC, ISO-8601 to the second
 * @param commit {@code git rev-parse --short HEAD} of the checkout, or {@code unknown}
 * @param dirty whether the checkout had uncommitted changes to tracked files ({@code null} if
 *     unknown)
 */
@JsonPropertyOrder({"cores", "memory_bytes", "jdk", "os", "date", "commit", "dirty"})
public record MachineFacts(
    @JsonProperty("cores") int cores,
    @JsonProperty("memory_bytes") long memoryBytes,
    @JsonProperty("jdk") String jdk,
    @JsonProperty("os") String os,
    @JsonProperty("date") String date,
    @JsonProperty("commit") String commit,
    @JsonProperty("dirty") Boolean dirty,
    @JsonProperty("load_average") double loadAverage) {

  private static final long gitTimeoutSeconds = 10;

  /**
   * Collects the facts of this machine now. Runs {@code git} twice in {@code repoRoot} (read-only
   * commands); blocks for at most a few seconds.
   */
  public static MachineFacts collect(Path repoRoot) {
    String commit = git(repoRoot, "rev-parse", "--short", "HEAD");
    String status = git(repoRoot, "status", "--porcelain", "--untracked-files=no");
    return new MachineFacts(
        Runtime.getRuntime().availableProcessors(),
        physicalMemoryBytes(),
        System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        commit == null || commit.isEmpty() ? "unknown" : commit,
        status == null ? null : !status.isEmpty(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** One line for the head of a table: {@code 2 cores, 23.4 GiB, JDK ..., commit abc1234}. */
  public String summary() {
    String memory =
        memoryBytes < 0 ? "" : String.format(" %.1f GiB,", memoryBytes / (1024.0 * 1024 * 1024));
    return cores
        + " cores,"
        + memory
        + " "
        + jdk
        + ", "
        + os
        + ", commit "
        + commit
        + (Boolean.TRUE.equals(dirty) ? " (with uncommitted changes)" : "")
        + ", "
        + date
        + (loadAverage < 0
            ? ""
            : String.format(java.util.Locale.ROOT, ", load average %.1f", loadAverage));
  }

  private static long physicalMemoryBytes() {
    java.lang.management.OperatingSystemMXBean bean =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (bean instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) bean).getTotalMemorySize();
    }
    return -1;
  }

  /** The trimmed standard output of a git command, or {@code null} if it failed. */
  private static String git(Path repoRoot, String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add("git");
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(repoRoot.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out;
      try (InputStream in = process.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!process.waitFor(gitTimeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return process.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
