package org.ppdb.bench.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code redis-benchmark} against one server and reads its {@code --csv} output.
 *
 * <p>The command is {@code redis-benchmark -h HOST -p PORT -t set,get -c CLIENTS -n REQUESTS -r
 * KEYSPACE -d VALUE_BYTES [-P PIPELINE] --csv}; its keys are {@code key:} and 12 digits (16 bytes).
 * Blocks until it exits or {@code timeout} passes (then kills it). Not thread-safe per instance.
 */
final class RedisBenchmarkRunner {
  private final ChildProcesses children;
  private final Path scratch;

  RedisBenchmarkRunner(ChildProcesses children, Path scratch) {
    this.children = children;
    this.scratch = scratch;
  }

  /** The command line for one redis-benchmark invocation. */
  static List<String> command(
      String host,
      int port,
      String tests,
      int clients,
      long requests,
      long keyspace,
      int valueBytes,
      int pipeline) {
    List<String> command = new ArrayList<>();
    command.add("redis-benchmark");
    command.addAll(List.of("-h", host, "-p", Integer.toString(port)));
    command.addAll(List.of("-t", tests));
    command.addAll(List.of("-c", Integer.toString(clients)));
    command.addAll(List.of("-n", Long.toString(requests)));
    command.addAll(List.of("-r", Long.toString(keyspace)));
    command.addAll(List.of("-d", Integer.toString(valueBytes)));
    if (pipeline > 1) {
      command.addAll(List.of("-P", Integer.toString(pipeline)));
    }
    command.add("--csv");
    return command;
  }

  /**
   * Runs {@code command} and returns its results.
   *
   * @throws IOException if it could not start, exited with a failure, timed out, or printed no
   *     results (the message holds the end of its output)
   */
  List<RedisBenchmarkResult> run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(scratch, "redis-benchmark-", ".csv");
    Path err = Files.createTempFile(scratch, "redis-benchmark-", ".err");
    Process process =
        children.start(
            new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile()));
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    children.stop(process, Duration.ofSeconds(2));
    String csv = Files.readString(out, StandardCharsets.UTF_8);
    String errors = ChildProcesses.tail(err, 5);
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    if (!exited) {
      throw new IOException(
          "redis-benchmark killed after "
              + timeout.toSeconds()
              + " s: "
              + String.join(" ", command));
    }
    if (process.exitValue() != 0) {
      // redis-benchmark stops at the first error reply (a ppdb TIMEOUT, say): stderr says which.
      throw new IOException(
          "redis-benchmark exited with status "
              + process.exitValue()
              + ": "
              + errors.replace('\n', ' ').strip());
    }
    try {
      List<RedisBenchmarkResult> results = RedisBenchmarkCsv.parse(csv);
      if (results.isEmpty()) {
        throw new IOException("redis-benchmark printed no results: " + errors + csv);
      }
      return results;
    } catch (IllegalArgumentException e) {
      throw new IOException(
          e.getMessage() + (errors.isEmpty() ? "" : " (stderr: " + errors + ")"), e);
    }
  }
}
